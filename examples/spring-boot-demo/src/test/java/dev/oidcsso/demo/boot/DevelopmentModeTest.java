package dev.oidcsso.demo.boot;

import dev.oidcsso.testing.Poll;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevelopmentModeTest {

    @Test
    void onlyWithoutAnyConfiguredIdentityProvider() {
        assertTrue(SpringBootDemo.developmentMode(Map.of(), new String[0]));
        assertTrue(SpringBootDemo.developmentMode(Map.of("OIDC_DISCOVERY_URL", " "), new String[]{"--oidc-sso.provider="}));
        assertFalse(SpringBootDemo.developmentMode(Map.of("OIDC_DISCOVERY_URL", "https://idp.example/.well-known/openid-configuration"),
                new String[0]));
        assertFalse(SpringBootDemo.developmentMode(Map.of("OIDC_PROVIDER", "okta"), new String[0]));
        assertFalse(SpringBootDemo.developmentMode(Map.of(), new String[]{"--oidc-sso.discovery-url=https://idp.example/x"}));
        assertFalse(SpringBootDemo.developmentMode(Map.of("OIDCSSO_PROVIDER", "google"), new String[0]));
    }

    @Test
    void aFailedStartStopsTheDevelopmentIdpSoTheProcessCanEnd(@TempDir Path data) throws IOException {
        MockOAuth2Server devIdp = new MockOAuth2Server();
        devIdp.start(InetAddress.getByName("127.0.0.1"), 0);
        int port = devIdp.baseUrl().port();
        assertTrue(accepts(port));
        // A second demo on the same folder, a taken port or, here, a setting refused: the start fails.
        assertThrows(RuntimeException.class, () -> SpringBootDemo.run(new SpringApplication(SpringBootDemo.class), devIdp,
                "--server.address=127.0.0.1", "--server.port=0", "--OIDC_DISCOVERY_URL=" + devIdp.wellKnownUrl("dev"),
                "--OIDC_CLIENT_ID=demo", "--OIDC_CLIENT_SECRET=demo-secret", "--SECRET_KEY=too-short", "--oidc-sso.data-dir=" + data));
        Poll.until(() -> !accepts(port), "the development IdP stopped with the failed start");
    }

    private static boolean accepts(int port) {
        try {
            new Socket(InetAddress.getByName("127.0.0.1"), port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
