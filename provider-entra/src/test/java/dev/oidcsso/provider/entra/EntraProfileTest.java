package dev.oidcsso.provider.entra;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntraProfileTest {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String OTHER_TENANT = "0a1b2c3d-0000-4000-8000-00000000abcd";
    static final String USERS = "0b5ab0f1-93b2-4bd1-9f46-0c1d2d6a9c31";
    static final String ADMINS = "5f9e3c11-2b7a-4c55-8e0d-7a6b1c2d3e4f";
    static final ProviderProfile ENTRA = new EntraProfile().create(PluginSettings.of(Map.of("OIDC_ENTRA_TENANT_ID", TENANT,
            "OIDC_GROUP_NAME", USERS, "OIDC_ADMIN_GROUP_NAME", ADMINS)));

    static OidcSettings settings(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("OIDC_GROUP_NAME", USERS, "OIDC_ADMIN_GROUP_NAME", ADMINS));
        all.putAll(values);
        return OidcSettings.builder().client("client-1", "secret-1").setAll(all).build();
    }

    static SettingsException failure(Map<String, String> values) {
        return assertThrows(SettingsException.class, () -> settings(values));
    }

    @Test
    void recognisesTheSeedsDiscoveryUrl() {
        OidcSettings settings = settings(Map.of("OIDC_DISCOVERY_URL",
                "https://login.microsoftonline.com/" + TENANT + "/v2.0/.well-known/openid-configuration"));
        assertEquals("entra", settings.profile().name());
        assertEquals(java.util.Set.of("offline_access"), settings.profile().refreshTokenScopes(java.util.Set.of()));
        assertEquals("entra", settings.groupDetector());
        assertEquals(List.of("preferred_username", "upn", "email", "oid"), settings.usernameClaims());
        assertFalse(new EntraProfile().recognises(URI.create("https://login.microsoftonline.com.evil.example/x/v2.0/.well-known/openid-configuration")));
    }

    @Test
    void buildsTheDiscoveryUrlFromTheTenant() {
        assertEquals(URI.create("https://login.microsoftonline.com/" + TENANT + "/v2.0/.well-known/openid-configuration"),
                settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", TENANT)).discoveryUrl());
        assertEquals(URI.create("https://login.microsoftonline.us/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"),
                settings(Map.of("OIDC_PROVIDER", "azure", "OIDC_ENTRA_TENANT_ID", "contoso.onmicrosoft.com",
                        "OIDC_ENTRA_AUTHORITY", "login.microsoftonline.us")).discoveryUrl());
    }

    @Test
    void aMissingTenantNamesTheVariable() {
        SettingsException e = failure(Map.of("OIDC_PROVIDER", "entra"));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_ENTRA_TENANT_ID is not set: give the Directory (tenant) ID")),
                e.getMessage());
    }

    @Test
    void aGroupNameThatIsNoObjectIdIsAStartUpError() {
        SettingsException e = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", TENANT,
                "OIDC_GROUP_NAME", "mlflow"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("OIDC_GROUP_NAME entry 'mlflow' is not an Entra group Object ID"), e.getMessage());
        assertTrue(e.getMessage().contains("OIDC_ENTRA_GROUP_NAMES=display"));
    }

    @Test
    void unsetGroupNamesAreAStartUpErrorToo() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().client("c", "s")
                .set("OIDC_PROVIDER", "entra").set("OIDC_ENTRA_TENANT_ID", TENANT).build());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_GROUP_NAME is not set: Entra ID puts group object IDs")));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_ADMIN_GROUP_NAME is not set")));
    }

    @Test
    void displayNamesOrAppRolesAllowPlainNames() {
        settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", TENANT, "OIDC_GROUP_NAME", "mlflow",
                "OIDC_ADMIN_GROUP_NAME", "mlflow-admin", "OIDC_ENTRA_GROUP_NAMES", "display"));
        settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", TENANT, "OIDC_GROUP_NAME", "MLflow.User",
                "OIDC_ADMIN_GROUP_NAME", "MLflow.Admin", "OIDC_ENTRA_APP_ROLES", "true"));
        SettingsException e = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", TENANT,
                "OIDC_ENTRA_GROUP_NAMES", "names", "OIDC_ENTRA_APP_ROLES", "yes"));
        assertTrue(e.problems().contains("OIDC_ENTRA_GROUP_NAMES='names' is not 'id' (group object IDs) or 'display' (display names)"));
        assertTrue(e.problems().contains("OIDC_ENTRA_APP_ROLES='yes' is not true or false"));
        SettingsException graph = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", TENANT,
                "OIDC_ENTRA_GRAPH_URL", "http://graph.example.com"));
        assertEquals(List.of("OIDC_ENTRA_GRAPH_URL='http://graph.example.com' is not a host name such as login.example.com "
                + "or an https URL"), graph.problems());
    }

    @Test
    void multiTenantRoleNamesNeedTheTenantsWhoseNamesCount() {
        for (Map.Entry<String, String> names : Map.of("OIDC_ENTRA_APP_ROLES", "true", "OIDC_ENTRA_GROUP_NAMES", "display").entrySet()) {
            SettingsException e = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations",
                    "OIDC_ENTRA_ALLOWED_TENANTS", "*", names.getKey(), names.getValue(),
                    "OIDC_GROUP_NAME", "mlflow", "OIDC_ADMIN_GROUP_NAME", "mlflow-admin"));
            assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(names.getKey() + "=" + names.getValue()
                    + " in a multi-tenant app") && p.contains("OIDC_ENTRA_ROLE_TENANTS")), e.problems().toString());
        }
        SettingsException every = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations",
                "OIDC_ENTRA_ALLOWED_TENANTS", "*", "OIDC_ENTRA_APP_ROLES", "true", "OIDC_ENTRA_ROLE_TENANTS", "*",
                "OIDC_GROUP_NAME", "mlflow", "OIDC_ADMIN_GROUP_NAME", "mlflow-admin"));
        assertTrue(every.problems().stream().anyMatch(p -> p.startsWith("OIDC_ENTRA_ROLE_TENANTS entry '*' is not a tenant ID")),
                every.problems().toString());
        settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations", "OIDC_ENTRA_ALLOWED_TENANTS", "*",
                "OIDC_ENTRA_APP_ROLES", "true", "OIDC_ENTRA_ROLE_TENANTS", TENANT,
                "OIDC_GROUP_NAME", "mlflow", "OIDC_ADMIN_GROUP_NAME", "mlflow-admin"));
    }

    @Test
    void multiTenantNeedsAnAllowList() {
        SettingsException e = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations"));
        assertEquals(List.of("OIDC_ENTRA_ALLOWED_TENANTS is not set: a multi-tenant app ('organizations' or 'common') accepts "
                + "users of any Entra tenant; list the tenant IDs allowed to sign in, or * to allow every tenant"), e.problems());
        settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "common", "OIDC_ENTRA_ALLOWED_TENANTS", "*"));
        SettingsException bad = failure(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations",
                "OIDC_ENTRA_ALLOWED_TENANTS", "contoso"));
        assertEquals(List.of("OIDC_ENTRA_ALLOWED_TENANTS entry 'contoso' is not a tenant ID (a GUID) or *"), bad.problems());
    }

    @Test
    void acceptsTheLiteralTenantPlaceholderIssuerOfMultiTenantDiscovery() {
        URI organizations = URI.create("https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration");
        assertTrue(ENTRA.acceptsDiscoveredIssuer(organizations, "https://login.microsoftonline.com/{tenantid}/v2.0"));
        assertFalse(ENTRA.acceptsDiscoveredIssuer(organizations, "https://evil.example/{tenantid}/v2.0"));
        URI single = URI.create("https://login.microsoftonline.com/" + TENANT + "/v2.0/.well-known/openid-configuration");
        assertTrue(ENTRA.acceptsDiscoveredIssuer(single, "https://login.microsoftonline.com/" + TENANT + "/v2.0"));
        assertFalse(ENTRA.acceptsDiscoveredIssuer(single, "https://login.microsoftonline.com/{tenantid}/v2.0"));
        assertFalse(ENTRA.acceptsDiscoveredIssuer(single, "https://login.microsoftonline.com/" + OTHER_TENANT + "/v2.0"));
        URI domain = URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration");
        assertTrue(ENTRA.acceptsDiscoveredIssuer(domain, "https://login.microsoftonline.com/" + TENANT + "/v2.0"));
    }

    @Test
    void theTokenIssuerIsTheTemplateFilledWithItsOwnTid() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations",
                "OIDC_ENTRA_ALLOWED_TENANTS", TENANT));
        String template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assertTrue(settings.profile().acceptsTokenIssuer(template, token(TENANT, TENANT)));
        assertFalse(settings.profile().acceptsTokenIssuer(template, token(TENANT, OTHER_TENANT)));
        assertFalse(settings.profile().acceptsTokenIssuer(template, token("{tenantid}", "{tenantid}")));
        assertEquals(Optional.empty(), settings.profile().checkToken(token(TENANT, TENANT)));
        assertEquals(Optional.of("the account belongs to tenant " + OTHER_TENANT + ", which is not in OIDC_ENTRA_ALLOWED_TENANTS"),
                settings.profile().checkToken(token(OTHER_TENANT, OTHER_TENANT)));
    }

    @Test
    void aRecordedIssuerIsTheTemplatesWhenATenantIdFillsIt() {
        OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "entra", "OIDC_ENTRA_TENANT_ID", "organizations",
                "OIDC_ENTRA_ALLOWED_TENANTS", "*"));
        String template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assertTrue(settings.profile().ownsIssuer(template, "https://login.microsoftonline.com/" + TENANT + "/v2.0"));
        assertFalse(settings.profile().ownsIssuer(template, "https://login.microsoftonline.com/{tenantid}/v2.0"));
        assertFalse(settings.profile().ownsIssuer(template, "https://login.microsoftonline.com/contoso/v2.0"));
        assertFalse(settings.profile().ownsIssuer(template, "https://evil.example/" + TENANT + "/v2.0"));
        assertFalse(settings.profile().ownsIssuer(template, "https://login.microsoftonline.com/" + TENANT + "/v2.0/x"));
        String single = "https://login.microsoftonline.com/" + TENANT + "/v2.0";
        assertTrue(settings.profile().ownsIssuer(single, single));
        assertFalse(settings.profile().ownsIssuer(single, "https://login.microsoftonline.com/" + OTHER_TENANT + "/v2.0"));
    }

    static JWTClaimsSet token(String issuerTenant, String tid) {
        return new JWTClaimsSet.Builder().issuer("https://login.microsoftonline.com/" + issuerTenant + "/v2.0")
                .claim("tid", tid).build();
    }

    @Test
    void theExampleConfigurationFileNeedsRealIdsAndThenWorks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        SettingsException e = assertThrows(SettingsException.class,
                () -> dev.oidcsso.testing.stub.ExampleConfig.load("entra", dir, Map.of()));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("OIDC_GROUP_NAME entry 'Object ID of the mlflow group'")),
                e.getMessage());
        OidcSettings settings = dev.oidcsso.testing.stub.ExampleConfig.load("entra", dir, Map.of("OIDC_ENTRA_TENANT_ID", TENANT,
                "OIDC_GROUP_NAME", USERS, "OIDC_ADMIN_GROUP_NAME", ADMINS));
        assertEquals("entra", settings.groupDetector());
        assertTrue(settings.scopes().contains("https://graph.microsoft.com/GroupMember.Read.All"));
    }

    @Test
    void entraEmailIsNeverTakenAsVerified() {
        assertFalse(ENTRA.emailVerified(Map.of("email", "ceo@contoso.com")), "Entra sends no email_verified: unverified");
        assertFalse(ENTRA.emailVerified(Map.of("email", "ceo@contoso.com", "email_verified", "true")));
        assertFalse(ENTRA.emailVerified(Map.of("email", "ceo@contoso.com", "xms_edov", true)));
        assertTrue(ENTRA.emailVerified(Map.of("email", "ceo@contoso.com", "email_verified", true)));
    }
}
