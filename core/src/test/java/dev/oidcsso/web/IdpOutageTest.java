package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Poll;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;

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
                assertTrue(login.body().contains("cannot be reached"), login.body());
                assertTrue(browser.getJson(DemoApps.baseUrl(app) + "/health").body().contains("\"ready\":false"));

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
}
