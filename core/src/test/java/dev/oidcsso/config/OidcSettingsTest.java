package dev.oidcsso.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OidcSettingsTest {

    static final String DISCOVERY = "https://idp.example.com/realms/demo/.well-known/openid-configuration";

    @Test
    void defaultsFollowTheSeeds() {
        OidcSettings settings = OidcSettings.builder().discoveryUrl(DISCOVERY).client("app", "s3cret").build();
        assertEquals("generic", settings.profile().name());
        assertEquals(List.of("mlflow"), settings.userGroups());
        assertEquals(List.of("mlflow-admin"), settings.adminGroups());
        assertEquals(List.of("openid", "email", "profile"), settings.scopes());
        assertEquals("groups", settings.groupsAttribute());
        assertEquals("claim", settings.groupDetector());
        assertEquals("id_token", settings.identitySource());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_BASIC, settings.clientAuthMethod());
        assertEquals(Duration.ofHours(8), settings.sessionMaxAge());
        assertTrue(settings.secretKey().isEmpty());
    }

    @Test
    void refreshAndStalenessSettingsHaveDefaultsAndAreValidatedWithTheRest() {
        OidcSettings defaults = OidcSettings.builder().discoveryUrl(DISCOVERY).client("app", "x").build();
        assertFalse(defaults.refreshTokens(), "off by default: today's behaviour");
        assertEquals(java.time.Duration.ofSeconds(60), defaults.refreshBefore());
        assertEquals(java.time.Duration.ofHours(24), defaults.groupsMaxStaleness());
        OidcSettings set = OidcSettings.builder().discoveryUrl(DISCOVERY).client("app", "x").set("OIDC_REFRESH_TOKENS", "true")
                .set("OIDC_REFRESH_BEFORE", "2m").set("OIDC_GROUPS_MAX_STALENESS", "15m").build();
        assertTrue(set.refreshTokens());
        assertEquals(java.time.Duration.ofMinutes(2), set.refreshBefore());
        assertEquals(java.time.Duration.ofMinutes(15), set.groupsMaxStaleness());

        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().discoveryUrl(DISCOVERY)
                .client("app", "x").set("OIDC_REFRESH_TOKENS", "yes please").set("OIDC_REFRESH_BEFORE", "2h")
                .set("OIDC_GROUPS_MAX_STALENESS", "10s").build());
        List<String> problems = e.problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_REFRESH_TOKENS='yes please' must be true or false")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_REFRESH_BEFORE must be between 0s and 1h")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_GROUPS_MAX_STALENESS must be at least 1m")));
    }

    @Test
    void everyProblemIsReportedAtOnceWithTheVariableToSet() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .set("OIDC_REDIRECT_URI", "not a url")
                .set("SECRET_KEY", "too-short")
                .set("OIDC_SCOPE", "email profile")
                .set("OIDC_CLIENT_AUTH_METHOD", "private_key_jwt_typo")
                .set("OIDC_SESSION_MAX_AGE", "forever")
                .build());
        List<String> problems = e.problems();
        assertEquals(8, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_CLIENT_SECRET is not set")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_DISCOVERY_URL is not set")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_CLIENT_ID is not set")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_REDIRECT_URI='not a url'")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("SECRET_KEY is 9 characters long")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("lacks 'openid'")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_CLIENT_AUTH_METHOD='private_key_jwt_typo'")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("OIDC_SESSION_MAX_AGE='forever'")));
        assertTrue(e.getMessage().startsWith("oidc-sso cannot start: 8 configuration problems"));
    }

    @Test
    void secretsNeverAppearInMessagesOrToString() {
        String secret = "a-client-secret-that-must-not-leak";
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .set("OIDC_CLIENT_SECRET", secret).set("SECRET_KEY", "short-but-secret").build());
        assertFalse(e.getMessage().contains(secret));
        assertFalse(e.getMessage().contains("short-but-secret"));
        OidcSettings settings = OidcSettings.builder().discoveryUrl(DISCOVERY).client("app", secret)
                .secretKey("0123456789abcdef0123456789abcdef0123").build();
        assertFalse(settings.toString().contains(secret), settings.toString());
        assertFalse(settings.toString().contains("0123456789abcdef0123456789abcdef0123"));
        assertTrue(settings.toString().contains("OIDC_CLIENT_ID=app"));
        assertEquals("[redacted]", settings.clientSecret().orElseThrow().toString());
    }

    @Test
    void precedenceIsFileThenEnvironmentThenPropertiesThenBuilder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("oidc.properties");
        Files.writeString(file, "OIDC_CLIENT_ID=from-file\nOIDC_GROUP_NAME=file-group\nOIDC_SCOPE=openid file\n"
                + "oidc.admin.group.name=file-admins\n");
        Properties props = new Properties();
        props.setProperty("oidc.scope", "openid props");
        props.setProperty("OIDC_GROUP_NAME", "props-group");
        props.setProperty("user.home", "/ignored");
        OidcSettings settings = OidcSettings.builder()
                .environment(Map.of("OIDC_CONFIG_FILE", file.toString(), "OIDC_DISCOVERY_URL", DISCOVERY,
                        "OIDC_CLIENT_SECRET", "x", "OIDC_GROUP_NAME", "env-group", "PATH", "/usr/bin"))
                .systemProperties(props)
                .set("OIDC_SCOPE", "openid builder")
                .build();
        assertEquals("from-file", settings.clientId());
        assertEquals(List.of("file-admins"), settings.adminGroups());
        assertEquals(List.of("props-group"), settings.userGroups());
        assertEquals(List.of("openid", "builder"), settings.scopes());
        assertTrue(settings.values().get("PATH").isEmpty(), "only the framework's own names are read from the environment");
    }

    @Test
    void listsAndDurationsAreParsedLeniently() {
        OidcSettings settings = OidcSettings.builder().discoveryUrl(DISCOVERY).client("app", "x")
                .set("OIDC_GROUP_NAME", " data scientists , mlflow ,")
                .set("OIDC_USERNAME_CLAIM", "email,sub")
                .set("OIDC_SCOPE", "openid,email  groups")
                .set("OIDC_SESSION_MAX_AGE", "30m")
                .set("OIDC_CLOCK_SKEW", "PT10S")
                .build();
        assertEquals(List.of("data scientists", "mlflow"), settings.userGroups());
        assertEquals(List.of("email", "sub"), settings.usernameClaims());
        assertEquals(List.of("openid", "email", "groups"), settings.scopes());
        assertEquals(Duration.ofMinutes(30), settings.sessionMaxAge());
        assertEquals(Duration.ofSeconds(10), settings.clockSkew());
    }

    @Test
    void unknownProviderListsTheKnownOnes() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().discoveryUrl(DISCOVERY)
                .client("app", "x").set("OIDC_PROVIDER", "okta-typo").build());
        assertTrue(e.getMessage().contains("OIDC_PROVIDER='okta-typo' names no known provider profile; known: "), e.getMessage());
        assertTrue(e.getMessage().contains("generic"));
    }

    @Test
    void misspeltPluginNamesAreReportedWithTheOtherProblems() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().discoveryUrl(DISCOVERY)
                .set("OIDC_CLIENT_ID", "app").set("OIDC_GROUP_DETECTION_PLUGIN", "claims")
                .set("OIDC_IDENTITY_SOURCE", "user_info").set("OIDC_IDENTITY_VALIDATOR", "regex").build());
        assertEquals(List.of(
                "OIDC_CLIENT_SECRET is not set: give the client secret from the IdP, or set OIDC_CLIENT_AUTH_METHOD=none for a public client",
                "OIDC_IDENTITY_SOURCE='user_info' names no known identity source; known: id_token, userinfo",
                "OIDC_IDENTITY_VALIDATOR='regex' names no known identity validator; known: claim-equals, expression, none",
                "OIDC_GROUP_DETECTION_PLUGIN='claims' names no known group detector; known: claim, userinfo"), e.problems());
    }

    @Test
    void publicClientNeedsNoSecret() {
        OidcSettings settings = OidcSettings.builder().discoveryUrl(DISCOVERY).set("OIDC_CLIENT_ID", "spa")
                .set("OIDC_CLIENT_AUTH_METHOD", "none").build();
        assertTrue(settings.clientSecret().isEmpty());
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().discoveryUrl(DISCOVERY)
                .set("OIDC_CLIENT_ID", "app").build());
        assertTrue(e.problems().get(0).startsWith("OIDC_CLIENT_SECRET is not set"));
    }

    @Test
    void unreadableConfigFileIsAProblemNotACrash(@TempDir Path dir) {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .set("OIDC_CONFIG_FILE", dir.resolve("missing.properties").toString()).discoveryUrl(DISCOVERY).client("a", "b").build());
        assertTrue(e.problems().get(0).startsWith("OIDC_CONFIG_FILE="), e.getMessage());
    }
}
