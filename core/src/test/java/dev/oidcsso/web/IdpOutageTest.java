package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubIdp;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Poll;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The application starts while the IdP is down, says so, and recovers without a restart. */
class IdpOutageTest {

    @Test
    void startsWithoutTheIdpAndRecoversWhenItComesBack() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        OidcSettings settings = OidcSettings.builder()
                .discoveryUrl("http://localhost:" + port + "/default/.well-known/openid-configuration")
                .client("demo-client", "demo-secret").set("OIDC_HTTP_TIMEOUT", "1s").build();
        MockOAuth2Server idp = new MockOAuth2Server();
        try (OidcSso sso = OidcSso.create(settings)) {
            HttpServer app = DemoApps.jdkApp(sso);
            Browser browser = Browser.forPages();
            try {
                assertEquals(200, browser.getJson(DemoApps.baseUrl(app) + "/health/live").statusCode());
                HttpResponse<String> ready = browser.getJson(DemoApps.baseUrl(app) + "/health/ready");
                assertEquals(503, ready.statusCode());
                HttpResponse<String> login = browser.get(DemoApps.baseUrl(app) + "/login");
                assertEquals(503, login.statusCode());
                assertEquals("5", login.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(login.body().contains("The identity provider is unavailable"), login.body());
                String health = browser.getJson(DemoApps.baseUrl(app) + "/health").body();
                assertTrue(health.contains("\"ready\":false"), health);
                // Public answers say that the IdP is unavailable, never where it is or what failed.
                HttpResponse<String> bearer = new dev.oidcsso.testing.Browser().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(DemoApps.baseUrl(app) + "/private")).header("Authorization", "Bearer a.b.c"));
                assertEquals(503, bearer.statusCode());
                assertTrue(bearer.body().contains("The identity provider is unavailable; try again shortly."), bearer.body());
                HttpResponse<String> callback = browser.get(DemoApps.baseUrl(app) + "/callback?code=x&state=y");
                assertEquals(503, callback.statusCode());
                for (String answer : new String[] {health, bearer.body(), callback.body(), login.body()}) {
                    assertTrue(!answer.contains(String.valueOf(port)) && !answer.contains("well-known") && !answer.contains("Exception")
                            && !answer.contains("Connect"), answer);
                }

                idp.start(InetAddress.getLoopbackAddress(), port);
                Poll.until(Duration.ofSeconds(20), () -> browser.getJson(DemoApps.baseUrl(app) + "/health/ready").statusCode() == 200,
                        "discovery recovering");
                HttpResponse<String> loginAgain = browser.get(DemoApps.baseUrl(app) + "/login");
                assertEquals(302, loginAgain.statusCode());
                assertTrue(loginAgain.headers().firstValue("Location").orElseThrow().startsWith("http://localhost:" + port + "/default/authorize"));
            } finally {
                app.stop(0);
                idp.shutdown();
            }
        }
    }

    @Test
    void loginTrafficAloneBringsTheAppBackAfterTheIdpReturns() throws Exception {
        try (StubIdp idp = StubIdp.start("")) {
            AtomicBoolean down = new AtomicBoolean(true);
            String discoveryPath = idp.discoveryUrl().getPath();
            idp.server().route("GET", discoveryPath, request -> down.get()
                    ? StubHttpServer.Response.text(503, "maintenance")
                    : StubHttpServer.Response.json(new LinkedHashMap<>(idp.discovery())));
            OidcSettings settings = OidcSettings.builder().discoveryUrl(idp.discoveryUrl().toString())
                    .client("client-1", "secret-1").set("OIDC_HTTP_TIMEOUT", "5s").build();
            try (OidcSso sso = OidcSso.create(settings)) {
                HttpServer app = DemoApps.jdkApp(sso);
                Browser browser = Browser.forPages();
                try {
                    for (int i = 0; i < 60; i++) {
                        HttpResponse<String> login = browser.get(DemoApps.baseUrl(app) + "/login");
                        assertEquals(503, login.statusCode());
                        assertEquals("5", login.headers().firstValue("Retry-After").orElseThrow());
                    }
                    int whileDown = idp.server().requests(discoveryPath).size();
                    assertTrue(whileDown <= 30, "sixty logins do not each ask the IdP (one try at a time, at most one a second): "
                            + whileDown);

                    down.set(false);
                    // The logins themselves try discovery again (ProviderConnectionTest shows it without
                    // timing); here they poll as a browser following Retry-After would, only faster.
                    Poll.until(Duration.ofSeconds(20), () -> browser.get(DemoApps.baseUrl(app) + "/login").statusCode() != 503,
                            "a login after the IdP is back");
                    HttpResponse<String> login = browser.get(DemoApps.baseUrl(app) + "/login");
                    assertEquals(302, login.statusCode(), login.body());
                    assertTrue(login.headers().firstValue("Location").orElseThrow().startsWith(idp.server().base() + "/oauth2/authorize"));
                    assertEquals(200, browser.getJson(DemoApps.baseUrl(app) + "/health/ready").statusCode());
                } finally {
                    app.stop(0);
                }
            }
        }
    }
}
