package dev.oidcsso.store;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.config.SettingValues;
import dev.oidcsso.config.SettingsException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreSettingsTest {

    @Test
    void theDefaultIsAnEmbeddedH2FileUnderDotData() {
        StoreSettings settings = StoreSettings.from(SettingValues.of(Map.of()));
        assertEquals("jdbc:h2:file:" + Path.of("./data").toAbsolutePath().normalize().resolve("oidc-sso") + StoreSettings.H2_OPTIONS,
                settings.jdbcUrl());
        assertEquals(Duration.ofMillis(250), settings.pollInterval());
        assertEquals(Duration.ofSeconds(3), settings.timeout());
        assertEquals(10, settings.poolSize());
        assertEquals(10_000, settings.cacheMaxEntries());
        assertEquals(Duration.ofSeconds(30), settings.cacheTtl());
        assertFalse(settings.isPostgres());
    }

    @Test
    void aPostgresUriBecomesAJdbcUrlWithSeparateCredentialsThatAreNeverShown() {
        StoreSettings settings = StoreSettings.from(SettingValues.of(Map.of(
                StoreSettings.DB_URI, "postgresql+psycopg2://sso:p%40ss-w0rd@db.example:5432/sso?sslmode=require")));
        assertEquals("jdbc:postgresql://db.example:5432/sso?sslmode=require", settings.jdbcUrl());
        assertEquals(Optional.of("sso"), settings.user());
        assertEquals("p@ss-w0rd", settings.password().orElseThrow().reveal());
        assertTrue(settings.isPostgres());
        assertFalse(settings.toString().contains("p@ss-w0rd"), settings.toString());
    }

    /** What a driver says about a URL (a host name made of user info, the URL's own parameters) loses its passwords. */
    @Test
    void aDriversMessageLosesWhatCouldBeAPassword() {
        assertEquals("***@127.0.0.1", StoreSettings.withoutCredentials("app:S3cretPw@127.0.0.1"));
        assertEquals("Connection to ***@db:5432 refused", StoreSettings.withoutCredentials("Connection to sso:hunter2@db:5432 refused"));
        assertEquals("bad URL jdbc:postgresql://db/sso?user=sso&password=*** and jdbc:h2:tcp://x/y;PASSWORD=***;MODE=x",
                StoreSettings.withoutCredentials("bad URL jdbc:postgresql://db/sso?user=sso&password=hunter2 and jdbc:h2:tcp://x/y;PASSWORD=y;MODE=x"));
        assertEquals("The file is locked: /data/oidc-sso.mv.db", StoreSettings.withoutCredentials("The file is locked: /data/oidc-sso.mv.db"));
    }

    @Test
    void credentialsInAJdbcUrlAreCutFromWhatIsShown() {
        StoreSettings settings = StoreSettings.from(SettingValues.of(Map.of(
                StoreSettings.DB_URI, "jdbc:postgresql://db:5432/sso?user=sso&password=hunter2",
                StoreSettings.DB_PASSWORD, "other-secret")));
        assertEquals("jdbc:postgresql://db:5432/sso", settings.safeUrl());
        assertFalse(settings.toString().contains("hunter2"));
        assertFalse(settings.toString().contains("other-secret"));
        assertEquals("jdbc:h2:tcp://localhost/x", StoreSettings.forUrl("jdbc:h2:tcp://localhost/x;PASSWORD=y").safeUrl());
    }

    @Test
    void theDatabaseUriIsRedactedFromTheSettingsDump() {
        SettingValues values = SettingValues.of(Map.of(StoreSettings.DB_URI, "postgresql://sso:hunter2@db/sso"));
        assertFalse(values.toString().contains("hunter2"), values.toString());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        SettingsException problems = assertThrows(SettingsException.class, () -> StoreSettings.from(SettingValues.of(Map.of(
                StoreSettings.DB_URI, "sqlite:///mlflow.db",
                StoreSettings.POLL_INTERVAL, "5s",
                StoreSettings.POOL_SIZE, "0"))));
        assertEquals(List.of(
                "OIDC_USERS_DB_URI='sqlite:///mlflow.db...' is not supported: give a jdbc:postgresql:// or jdbc:h2: URL, "
                        + "a postgresql://user:password@host:port/database URI, or leave it unset for the embedded H2 database under OIDC_DATA_DIR",
                "OIDC_DB_POOL_SIZE='0' is not a whole number between 1 and 200",
                "OIDC_CHANGE_POLL_INTERVAL='5s' is not a duration between 10ms and 1000ms (for example 250ms, 3s)"),
                problems.problems());
    }
}
