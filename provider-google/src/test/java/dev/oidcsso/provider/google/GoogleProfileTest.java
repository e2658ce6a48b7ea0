package dev.oidcsso.provider.google;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.testing.stub.StubKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoogleProfileTest {

    static final String MAPPING = "mlflow-admin=boss@example.com;mlflow=@example.com";

    @TempDir
    Path dir;

    static OidcSettings settings(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("OIDC_PROVIDER", "google"));
        all.putAll(values);
        return OidcSettings.builder().client("client-1.apps.googleusercontent.com", "secret-1").setAll(all).build();
    }

    static String serviceAccountJson(String pem, String tokenUri) {
        return "{\"type\":\"service_account\",\"project_id\":\"demo\",\"private_key_id\":\"k1\",\"private_key\":"
                + "\"" + pem.replace("\n", "\\n") + "\",\"client_email\":\"groups-reader@demo.iam.gserviceaccount.com\","
                + "\"client_id\":\"1234\",\"token_uri\":\"" + tokenUri + "\"}";
    }

    @Test
    void theSeedsDiscoveryUrlSelectsGoogleWithItsDefaults() {
        OidcSettings settings = OidcSettings.builder().client("c", "s")
                .discoveryUrl("https://accounts.google.com/.well-known/openid-configuration")
                .set("OIDC_GOOGLE_GROUP_MAPPING", MAPPING).build();
        assertEquals("google", settings.profile().name());
        assertEquals("google-mapping", settings.groupDetector());
        assertEquals(List.of("email", "sub"), settings.usernameClaims());
    }

    @Test
    void theDiscoveryUrlIsFixed() {
        assertEquals(URI.create("https://accounts.google.com/.well-known/openid-configuration"),
                settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING)).discoveryUrl());
    }

    @Test
    void withoutAMappingGoogleCannotFindGroups() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of()));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("OIDC_GOOGLE_GROUP_MAPPING is not set: Google's tokens carry no groups"));
        assertTrue(e.problems().get(0).contains("OIDC_GROUP_DETECTION_PLUGIN=google-directory"));
    }

    @Test
    void theDirectoryDetectorNeedsAServiceAccountAndAnAdmin() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of(
                "OIDC_GROUP_DETECTION_PLUGIN", "google-directory")));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_GOOGLE_SERVICE_ACCOUNT_FILE is not set")), e.getMessage());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_GOOGLE_DELEGATED_ADMIN is not set")), e.getMessage());
    }

    @Test
    void anUnusableServiceAccountFileIsNamed() throws IOException {
        Path missing = dir.resolve("missing.json");
        SettingsException e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_GROUP_DETECTION_PLUGIN",
                "google-directory", "OIDC_GOOGLE_SERVICE_ACCOUNT_FILE", missing.toString(),
                "OIDC_GOOGLE_DELEGATED_ADMIN", "admin@example.com")));
        assertEquals(List.of("OIDC_GOOGLE_SERVICE_ACCOUNT_FILE='" + missing + "' is not a readable file; download a JSON key "
                + "of the service account (IAM & Admin → Service accounts → Keys → Add key → JSON)"), e.problems());

        Path notAKey = Files.writeString(dir.resolve("other.json"), "{\"installed\":{}}");
        e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_GROUP_DETECTION_PLUGIN", "google-directory",
                "OIDC_GOOGLE_SERVICE_ACCOUNT_FILE", notAKey.toString(), "OIDC_GOOGLE_DELEGATED_ADMIN", "admin@example.com")));
        assertEquals(List.of("OIDC_GOOGLE_SERVICE_ACCOUNT_FILE='" + notAKey
                + "' lacks client_email or private_key; is it a service account key file?"), e.problems());

        Path badKey = Files.writeString(dir.resolve("bad.json"), serviceAccountJson("-----BEGIN PRIVATE KEY-----\nAAAA\n"
                + "-----END PRIVATE KEY-----", "https://oauth2.googleapis.com/token"));
        e = assertThrows(SettingsException.class, () -> settings(Map.of("OIDC_GROUP_DETECTION_PLUGIN", "google-directory",
                "OIDC_GOOGLE_SERVICE_ACCOUNT_FILE", badKey.toString(), "OIDC_GOOGLE_DELEGATED_ADMIN", "admin@example.com")));
        assertEquals(List.of("OIDC_GOOGLE_SERVICE_ACCOUNT_FILE='" + badKey
                + "': its private_key is not an RSA private key in PKCS#8 form"), e.problems());
    }

    @Test
    void aGoodServiceAccountFileIsAccepted() throws IOException {
        Path key = Files.writeString(dir.resolve("sa.json"), serviceAccountJson(StubKeys.generate().privateKeyPem(),
                "https://oauth2.googleapis.com/token"));
        OidcSettings settings = settings(Map.of("OIDC_GROUP_DETECTION_PLUGIN", "google-directory",
                "OIDC_GOOGLE_SERVICE_ACCOUNT_FILE", key.toString(), "OIDC_GOOGLE_DELEGATED_ADMIN", "admin@example.com"));
        assertEquals("google-directory", settings.groupDetector());
    }

    @Test
    void theHostedDomainIsSentAndEnforced() {
        OidcSettings settings = settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING, "OIDC_GOOGLE_HOSTED_DOMAIN", "Example.com"));
        assertEquals(Map.of("hd", "example.com"), settings.profile().authorizationParameters());
        assertEquals(Optional.empty(), settings.profile().checkToken(new JWTClaimsSet.Builder().claim("hd", "example.com").build()));
        assertEquals(Optional.of("this is a personal Google account; sign in with an account of example.com"),
                settings.profile().checkToken(new JWTClaimsSet.Builder().build()));
        assertEquals(Optional.of("the Google account belongs to other.org; sign in with an account of example.com"),
                settings.profile().checkToken(new JWTClaimsSet.Builder().claim("hd", "other.org").build()));

        OidcSettings two = settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING, "OIDC_GOOGLE_HOSTED_DOMAIN", "example.com,example.org"));
        assertEquals(Map.of("hd", "*"), two.profile().authorizationParameters());
        OidcSettings none = settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING));
        assertEquals(Map.of(), none.profile().authorizationParameters());
        // Google: access_type=offline (and consent, or no new refresh token), never offline_access.
        assertEquals(java.util.Set.of(), none.profile().refreshTokenScopes(java.util.Set.of("openid", "offline_access")));
        assertEquals(Map.of("access_type", "offline", "prompt", "consent"), none.profile().refreshTokenParameters());
        assertEquals(Optional.empty(), none.profile().checkToken(new JWTClaimsSet.Builder().build()));
    }

    @Test
    void acceptsGooglesSchemelessIssuer() {
        OidcSettings settings = settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING));
        String discovered = "https://accounts.google.com";
        assertTrue(settings.profile().acceptsTokenIssuer(discovered, new JWTClaimsSet.Builder().issuer("accounts.google.com").build()));
        assertTrue(settings.profile().acceptsTokenIssuer(discovered, new JWTClaimsSet.Builder().issuer(discovered).build()));
        assertFalse(settings.profile().acceptsTokenIssuer(discovered, new JWTClaimsSet.Builder().issuer("evil.example").build()));
    }

    @Test
    void logoutIsLocal() {
        OidcSettings settings = settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING));
        assertTrue(settings.profile().logoutUri(new dev.oidcsso.spi.LogoutRequestInfo(Optional.empty(), "c", Optional.empty(),
                URI.create("https://app.example.com/"))).isEmpty());
    }

    @Test
    void theExampleConfigurationFileWorks() {
        OidcSettings settings = dev.oidcsso.testing.stub.ExampleConfig.load("google", dir, Map.of());
        assertEquals("google-mapping", settings.groupDetector());
        assertEquals(URI.create(GoogleSettings.DISCOVERY_URL), settings.discoveryUrl());
    }

    @Test
    void googleEmailIsVerifiedWhenGoogleSaysSo() {
        OidcSettings settings = settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING));
        assertTrue(settings.profile().emailVerified(Map.of("email", "a@example.com", "email_verified", true)));
        assertFalse(settings.profile().emailVerified(Map.of("email", "a@example.com", "email_verified", false)));
        assertFalse(settings.profile().emailVerified(Map.of("email", "a@example.com")));
    }
}
