package dev.oidcsso.example.plugin;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoHttpFilter;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin, found on the class path and selected by name, decides the groups at a real login. */
class EmailListGroupDetectorLoginTest {

    MockOAuth2Server idp;
    HttpServer app;
    OidcSso sso;

    @BeforeEach
    void start() throws IOException {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        sso = OidcSso.create(settings().set(EmailListGroupDetector.ADMIN_EMAILS, "Boss@Example.com").build());
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = OidcSsoHttpFilter.principal(exchange).map(p -> p.username() + " admin=" + p.admin() + " " + p.groups())
                    .orElse("anonymous").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }).getFilters().add(new OidcSsoHttpFilter(sso));
        app.start();
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        idp.shutdown();
    }

    OidcSettings.Builder settings() {
        return OidcSettings.builder().discoveryUrl(idp.wellKnownUrl("default").toString()).client("demo", "secret")
                .set("OIDC_GROUP_DETECTION_PLUGIN", "example-email-list").set("OIDC_USERNAME_CLAIM", "email");
    }

    String loginAs(Map<String, Object> claims) throws Exception {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "subject-1", "JWT", List.of("demo"), claims, 3600));
        HttpResponse<String> page = Browser.forPages().navigate("http://127.0.0.1:" + app.getAddress().getPort() + "/").last();
        return page.statusCode() + " " + page.body();
    }

    @Test
    void listedAddressIsAdmin() throws Exception {
        assertEquals("200 boss@example.com admin=true [mlflow-admin]",
                loginAs(Map.of("email", "boss@example.com", "email_verified", true)));
    }

    @Test
    void otherVerifiedAddressIsUser() throws Exception {
        assertEquals("200 dev@example.com admin=false [mlflow]", loginAs(Map.of("email", "dev@example.com", "email_verified", true)));
    }

    @Test
    void unverifiedAddressIsRefused() throws Exception {
        String result = loginAs(Map.of("email", "boss@example.com", "email_verified", false));
        assertTrue(result.startsWith("403 "), result);
    }

    @Test
    void missingSettingStopsStartUpNamingIt() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSso.create(settings().build()).close());
        assertTrue(e.getMessage().contains("OIDC_EXAMPLE_ADMIN_EMAILS is not set"), e.getMessage());
    }
}
