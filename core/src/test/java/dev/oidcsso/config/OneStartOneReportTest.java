package dev.oidcsso.config;

import dev.oidcsso.oidc.GenericProviderProfile;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad value in every settings family at once is reported in one start-up error, each problem
 * naming its setting: the operator fixes the configuration in one start, not one start per family.
 */
class OneStartOneReportTest {

    /** A provider family whose profile needs its own setting, as Okta needs its domain. */
    static final class AcmeProfile implements ProviderProfileFactory {
        @Override
        public String name() {
            return "acme";
        }

        @Override
        public Set<String> settingNames() {
            return Set.of("OIDC_ACME_TENANT");
        }

        @Override
        public ProviderProfile create(PluginSettings settings) {
            String tenant = settings.get("OIDC_ACME_TENANT", "");
            if (!tenant.matches("[a-z0-9-]+")) {
                throw new SettingsException("OIDC_ACME_TENANT='" + tenant + "' is not a tenant name such as my-tenant");
            }
            return () -> "acme";
        }
    }

    @Test
    void theSeedsOfTheIssueAreReportedInOneStart() {
        // The three values that took three starts to find, read from the environment as in production.
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .environment(Map.of("OIDC_DISCOVERY_URL", "https://idp.example.com/.well-known/openid-configuration",
                        "OIDC_CLIENT_ID", "app", "OIDC_CLIENT_SECRET", "s3cret",
                        "OIDC_DB_POOL_SIZE", "lots", "DEFAULT_PERMISSION", "SUPERUSER", "OIDC_CSRF_APP_PATHS", "maybe"))
                .build());
        assertEquals(List.of(
                "OIDC_CSRF_APP_PATHS='maybe' must be true or false",
                "OIDC_DB_POOL_SIZE='lots' is not a whole number between 1 and 200",
                "DEFAULT_PERMISSION='SUPERUSER' is not a permission level; use one of NO_PERMISSIONS, READ, USE, EDIT, MANAGE"),
                e.problems());
        assertTrue(e.getMessage().startsWith("oidc-sso cannot start: 3 configuration problems"), e.getMessage());
    }

    @Test
    void aBadValueInEveryFamilyIsNamedInTheOneError() {
        String clientSecret = "client-secret-never-shown";
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .profiles(List.of(new GenericProviderProfile(), new AcmeProfile()))
                // OIDC
                .set("OIDC_PROVIDER", "acme").set("OIDC_CLIENT_ID", "app").set("OIDC_CLIENT_SECRET", clientSecret)
                .set("OIDC_DISCOVERY_URL", "https://idp.example.com/.well-known/openid-configuration")
                .set("OIDC_SCOPE", "email profile")
                // provider
                .set("OIDC_ACME_TENANT", "Not A Tenant!")
                // plugins
                .set("OIDC_GROUP_DETECTION_PLUGIN", "ldap").set("OIDC_IDENTITY_VALIDATOR", "claim-equals")
                // store
                .set("OIDC_DB_POOL_SIZE", "lots").set("OIDC_USERS_DB_URI", "sqlite:///mlflow.db")
                // permissions
                .set("DEFAULT_PERMISSION", "SUPERUSER").set("PERMISSION_SOURCE_ORDER", "user,everyone")
                // CSRF
                .set("OIDC_CSRF_APP_PATHS", "maybe")
                // proxy
                .set("OIDC_TRUSTED_PROXIES", "proxy.internal").set("OIDC_FORWARDED_HEADERS", "x-real-ip")
                .build());
        List<String> problems = e.problems();
        for (String setting : List.of("OIDC_SCOPE", "OIDC_ACME_TENANT", "OIDC_GROUP_DETECTION_PLUGIN",
                "OIDC_IDENTITY_VALIDATOR_CLAIM", "OIDC_IDENTITY_VALIDATOR_VALUE", "OIDC_DB_POOL_SIZE", "OIDC_USERS_DB_URI",
                "DEFAULT_PERMISSION", "PERMISSION_SOURCE_ORDER", "OIDC_CSRF_APP_PATHS", "OIDC_TRUSTED_PROXIES",
                "OIDC_FORWARDED_HEADERS")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(setting)), setting + " is not named in " + e.getMessage());
            assertTrue(e.getMessage().contains(setting), setting);
        }
        assertEquals(12, problems.size(), e.getMessage());
        assertFalse(e.getMessage().contains(clientSecret));
    }

    @Test
    void eachGroupIsParsedOnceIntoTypedValues() {
        OidcSettings settings = OidcSettings.builder().discoveryUrl("https://idp.example.com/.well-known/openid-configuration")
                .client("app", "s3cret").set("OIDC_DB_POOL_SIZE", "7").set("DEFAULT_PERMISSION", "read")
                .set("OIDC_CSRF_APP_PATHS", "FALSE").set("OIDC_TRUSTED_PROXIES", "10.0.0.0/8")
                .set("OIDC_FORWARDED_HEADERS", "forwarded").set("OIDC_AUTH_MODE", "oidc,trusted-header").build();
        assertEquals(7, settings.store().poolSize());
        assertEquals(dev.oidcsso.authz.PermissionLevel.READ, settings.permissions().defaultLevel());
        assertFalse(settings.csrf().applicationPaths());
        assertEquals(Set.of("forwarded"), settings.proxy().forwardedHeaders());
        assertEquals(Set.of(AuthMode.OIDC, AuthMode.TRUSTED_HEADER), settings.access().authModes());
        assertEquals("app", settings.client().clientId());
        assertEquals(List.of("app"), settings.client().audiences());
        assertEquals("claim", settings.plugins().groupDetector().name());
        assertEquals(StoreSettings.from(settings), settings.store(), "the store reads the group parsed in the one pass");
    }
}
