package dev.oidcsso.demo.boot;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stopping the demo and starting it again with the same data folder: users are bound to the
 * issuer they signed in with, and the development IdP's issuer holds its port, so the IdP must
 * come back on that port or nobody who signed in before can sign in again (403, "belongs to
 * another account").
 */
class DevIdpRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void theDevelopmentIdpComesBackWithTheSameIssuerInTheSameDataFolder() throws IOException {
        String first = issuerOfOneStart();
        assertEquals(first, issuerOfOneStart(), "the issuer users are bound to");
    }

    private String issuerOfOneStart() throws IOException {
        SpringApplication application = new SpringApplication(SpringBootDemo.class);
        MockOAuth2Server idp = SpringBootDemo.startDevIdp(application, dataDir);
        try {
            return "http://127.0.0.1:" + idp.baseUrl().port() + "/dev";
        } finally {
            idp.shutdown();
        }
    }
}
