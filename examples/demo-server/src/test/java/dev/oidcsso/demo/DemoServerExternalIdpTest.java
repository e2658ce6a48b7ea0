package dev.oidcsso.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.testing.Browser;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With an identity provider configured, the demo uses it and starts no development IdP. */
class DemoServerExternalIdpTest {

    MockOAuth2Server idp;
    DemoServer server;
    @TempDir
    Path dataDir;

    @BeforeEach
    void startIdp() {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        idp.shutdown();
    }

    @Test
    void theConfiguredIdpIsUsedAndNoDevelopmentIdpStarts() throws IOException {
        // Stands in for the process environment, which tests must not depend on or change.
        Map<String, String> environment = Map.of(
                "OIDC_DISCOVERY_URL", idp.wellKnownUrl("default").toString(),
                "OIDC_CLIENT_ID", "demo-client",
                "OIDC_CLIENT_SECRET", "test-only-client-secret",
                "SECRET_KEY", "test-only-sealing-key-0123456789abcdef",
                "OIDC_DATA_DIR", dataDir.toString());
        server = DemoServer.builder().environment(environment).host("127.0.0.1").port(0).build();
        server.start();
        String base = "http://127.0.0.1:" + server.port();

        assertTrue(server.devIdentityProvider().isEmpty());
        Browser browser = Browser.forPages();
        HttpResponse<String> toIdp = browser.get(base + "/login");
        assertEquals(302, toIdp.statusCode());
        URI authorize = URI.create(toIdp.headers().firstValue("Location").orElseThrow());
        assertTrue(authorize.toString().startsWith(idp.authorizationEndpointUrl("default").toString()), authorize.toString());

        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "dana", "JWT", List.of("demo-client"),
                Map.of("preferred_username", "dana", "groups", List.of("mlflow")), 3600));
        HttpResponse<String> home = browser.navigate(base + "/").last();
        assertEquals(200, home.statusCode(), home.body());
        assertTrue(home.body().contains("<th>User</th><td>dana</td>"), home.body());
        assertFalse(home.body().contains("DEVELOPMENT MODE"), "no development warning with a real IdP");
        JsonNode status = new ObjectMapper().readTree(browser.getJson(base + "/auth/status").body());
        assertEquals("dana", status.get("username").asText());

        HttpResponse<String> created = browser.sendJson("POST", base + "/api/experiments", "{\"name\": \"from-real-idp\"}");
        assertEquals(201, created.statusCode(), created.body());
    }

    @Test
    void aDiscoveryUrlOrProviderFromAnySourceMeansARealIdp() {
        Properties props = new Properties();
        props.setProperty("oidc.discovery.url", idp.wellKnownUrl("default").toString());
        assertFalse(DemoServer.builder().systemProperties(props).build().developmentMode());
        assertFalse(DemoServer.builder().environment(Map.of("OIDC_PROVIDER", "okta")).build().developmentMode());
        assertTrue(DemoServer.builder().environment(Map.of("OIDC_DISCOVERY_URL", " ")).build().developmentMode(), "blank is unset");
        assertTrue(DemoServer.builder().build().developmentMode());
    }
}
