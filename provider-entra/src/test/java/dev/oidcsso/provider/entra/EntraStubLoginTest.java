package dev.oidcsso.provider.entra;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.stub.StubApp;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.stub.StubIdp;
import dev.oidcsso.web.OidcSso;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.oidcsso.provider.entra.EntraProfileTest.ADMINS;
import static dev.oidcsso.provider.entra.EntraProfileTest.OTHER_TENANT;
import static dev.oidcsso.provider.entra.EntraProfileTest.TENANT;
import static dev.oidcsso.provider.entra.EntraProfileTest.USERS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full logins through the framework against a local stub of Entra ID's multi-tenant
 * ({@code organizations}) v2.0 endpoints and Microsoft Graph.
 */
class EntraStubLoginTest {

    static final String KEY = "0123456789abcdef0123456789abcdef-test-only";

    StubIdp entra;

    @BeforeEach
    void start() {
        // The multi-tenant discovery document declares the literal issuer .../{tenantid}/v2.0;
        // tokens carry the signed-in user's own tenant in iss and tid.
        entra = StubIdp.start("/organizations/v2.0/.well-known/openid-configuration", "/{tenantid}/v2.0");
        entra.discovery().put("end_session_endpoint", entra.server().url("/organizations/oauth2/v2.0/logout").toString());
    }

    @AfterEach
    void stop() {
        entra.close();
    }

    OidcSettings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("OIDC_PROVIDER", "entra",
                "OIDC_ENTRA_TENANT_ID", "organizations",
                "OIDC_ENTRA_AUTHORITY", entra.server().base().toString(),
                "OIDC_ENTRA_ALLOWED_TENANTS", TENANT,
                "OIDC_ENTRA_GRAPH_URL", entra.server().base() + "/v1.0",
                "OIDC_GROUP_NAME", USERS,
                "OIDC_ADMIN_GROUP_NAME", ADMINS));
        values.putAll(extra);
        return OidcSettings.builder().client("client-1", "secret-1").secretKey(KEY).setAll(values).build();
    }

    Map<String, Object> user(String tenant, Map<String, Object> extra) {
        Map<String, Object> claims = new HashMap<>(Map.of("sub", "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                "oid", "00000000-0000-0000-66f3-3332eca7ea81", "tid", tenant, "ver", "2.0",
                "iss", entra.server().base() + "/" + tenant + "/v2.0"));
        claims.putAll(extra);
        return claims;
    }

    @Test
    void groupOverageIsResolvedThroughGraphPaging() {
        // 40 groups over three pages keeps the session cookie under browsers' 4 KB limit (the core
        // keeps every group in the cookie); EntraGroupDetectorTest pages through 260 groups.
        List<Map<String, Object>> listing = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            listing.add(GraphStub.group(GraphStub.groupId(i), "group-" + i));
        }
        listing.add(20, GraphStub.group(ADMINS, "mlflow-admin"));
        listing.add(GraphStub.group(GraphStub.groupId(3), "group-3"));
        GraphStub.serve(entra.server(), entra.accessToken(), listing, 15);
        entra.idTokenClaims(request -> user(TENANT, Map.of("preferred_username", "jane@contoso.com",
                "_claim_names", Map.of("groups", "src1"),
                "_claim_sources", Map.of("src1", Map.of("endpoint", "https://graph.windows.net/" + TENANT + "/users/x/getMemberObjects")))));

        try (OidcSso sso = OidcSso.create(settings(Map.of())); StubApp app = StubApp.start(sso)) {
            assertTrue(sso.ready(), "the {tenantid} issuer of the discovery document is accepted");
            Browser browser = new Browser().defaultHeader("Accept", "text/html");
            assertEquals("hello jane@contoso.com (admin) via session at /", browser.navigate(app.baseUrl() + "/").last().body());
            assertEquals(3, entra.server().requests(GraphStub.PATH).size());
            String status = browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body();
            assertTrue(status.contains(ADMINS), status);
            assertEquals(1, status.split(GraphStub.groupId(3), -1).length - 1, "duplicates removed: " + status);
        }
    }

    @Test
    void aUserWithoutNameOrMailIsKnownByObjectId() {
        entra.idTokenClaims(request -> user(TENANT, Map.of("groups", List.of(USERS))));
        try (OidcSso sso = OidcSso.create(settings(Map.of())); StubApp app = StubApp.start(sso)) {
            assertEquals("hello 00000000-0000-0000-66f3-3332eca7ea81 via session at /",
                    new Browser().defaultHeader("Accept", "text/html").navigate(app.baseUrl() + "/").last().body());
        }
    }

    @Test
    void aTenantOutsideTheAllowListIsRefusedWithoutSession() {
        entra.idTokenClaims(request -> user(OTHER_TENANT, Map.of("preferred_username", "mallory@fabrikam.com",
                "groups", List.of(ADMINS))));
        try (OidcSso sso = OidcSso.create(settings(Map.of())); StubApp app = StubApp.start(sso)) {
            Browser browser = new Browser().defaultHeader("Accept", "text/html");
            HttpResponse<String> page = browser.navigate(app.baseUrl() + "/").last();
            assertTrue(page.statusCode() / 100 == 4, page.statusCode() + " " + page.body());
            assertTrue(page.body().contains("not in OIDC_ENTRA_ALLOWED_TENANTS"), page.body());
            assertTrue(browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body().contains("\"authenticated\":false"));
        }
    }

    @Test
    void anIssuerThatDoesNotMatchTheTokensTenantIsRefused() {
        entra.idTokenClaims(request -> user(TENANT, Map.of("preferred_username", "jane@contoso.com", "groups", List.of(ADMINS),
                "iss", entra.server().base() + "/" + OTHER_TENANT + "/v2.0")));
        try (OidcSso sso = OidcSso.create(settings(Map.of())); StubApp app = StubApp.start(sso)) {
            HttpResponse<String> page = new Browser().defaultHeader("Accept", "text/html").navigate(app.baseUrl() + "/").last();
            assertTrue(page.statusCode() / 100 == 4, page.statusCode() + " " + page.body());
        }
    }

    @Test
    void displayNamesAndAppRoles() {
        GraphStub.serve(entra.server(), entra.accessToken(), List.of(GraphStub.group(USERS, "mlflow")), 100);
        entra.idTokenClaims(request -> user(TENANT, Map.of("preferred_username", "bob@contoso.com",
                "groups", List.of(USERS), "roles", List.of("MLflow.Admin"))));
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_ENTRA_GROUP_NAMES", "display", "OIDC_ENTRA_APP_ROLES", "true",
                "OIDC_ENTRA_ROLE_TENANTS", TENANT, "OIDC_GROUP_NAME", "mlflow", "OIDC_ADMIN_GROUP_NAME", "MLflow.Admin")));
             StubApp app = StubApp.start(sso)) {
            Browser browser = new Browser().defaultHeader("Accept", "text/html");
            assertEquals("hello bob@contoso.com (admin) via session at /", browser.navigate(app.baseUrl() + "/").last().body());
            assertTrue(browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body().contains("\"groups\":[\"mlflow\",\"MLflow.Admin\"]"));
        }
    }

    @Test
    void anotherAllowedTenantCannotMakeItsUsersAdministratorsByRoleOrGroupName() {
        // Mallory administers her own allowed tenant: she assigns herself this app's admin role there and
        // names a group of hers "mlflow". Neither counts: only the role tenants' names do.
        GraphStub.serve(entra.server(), entra.accessToken(), List.of(GraphStub.group(GraphStub.groupId(9), "mlflow")), 100);
        entra.idTokenClaims(request -> user(OTHER_TENANT, Map.of("preferred_username", "mallory@fabrikam.com",
                "groups", List.of(GraphStub.groupId(9)), "roles", List.of("MLflow.Admin"))));
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_ENTRA_GROUP_NAMES", "display", "OIDC_ENTRA_APP_ROLES", "true",
                "OIDC_ENTRA_ALLOWED_TENANTS", TENANT + "," + OTHER_TENANT, "OIDC_ENTRA_ROLE_TENANTS", TENANT,
                "OIDC_GROUP_NAME", "mlflow", "OIDC_ADMIN_GROUP_NAME", "MLflow.Admin")));
             StubApp app = StubApp.start(sso)) {
            Browser browser = new Browser().defaultHeader("Accept", "text/html");
            HttpResponse<String> page = browser.navigate(app.baseUrl() + "/").last();
            assertEquals(403, page.statusCode(), page.body());
            assertTrue(browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body()
                    .contains("\"authenticated\":false"));
            assertTrue(entra.server().requests(GraphStub.PATH).isEmpty(), "display names of that tenant are not even read");
        }
    }

    @Test
    void apiClientsBearerTokensAreCheckedByTenantToo() {
        try (OidcSso sso = OidcSso.create(settings(Map.of())); StubApp app = StubApp.start(sso)) {
            Map<String, Object> servicePrincipal = new HashMap<>(user(TENANT, Map.of("aud", "client-1", "roles", List.of(),
                    "groups", List.of(USERS), "azp", "11111111-2222-3333-4444-555555555555")));
            String token = entra.sign(servicePrincipal);
            Map<String, String> headers = Map.of("Accept", "application/json", "Authorization", "Bearer " + token);
            String status = new Browser().get(app.baseUrl() + "/auth/status", headers).body();
            assertTrue(status.contains("\"username\":\"00000000-0000-0000-66f3-3332eca7ea81\""), status);
            assertTrue(status.contains("\"auth_method\":\"bearer\""), status);

            String foreign = entra.sign(user(OTHER_TENANT, Map.of("aud", "client-1", "groups", List.of(ADMINS))));
            assertEquals(401, new Browser().get(app.baseUrl() + "/api/experiments",
                    Map.of("Accept", "application/json", "Authorization", "Bearer " + foreign)).statusCode());
        }
    }

    @Test
    void anOverageBearerTokenGets401WithWhatToDoNot502() {
        try (OidcSso sso = OidcSso.create(settings(Map.of())); StubApp app = StubApp.start(sso)) {
            Map<String, Object> overage = new HashMap<>(user(TENANT, Map.of("aud", "client-1")));
            overage.putAll(EntraGroupDetectorTest.OVERAGE);
            String token = entra.sign(overage);
            HttpResponse<String> response = new Browser().get(app.baseUrl() + "/auth/status",
                    Map.of("Accept", "application/json", "Authorization", "Bearer " + token));
            assertEquals(401, response.statusCode(), response.body());
            assertTrue(response.body().contains("too many groups") && response.body().contains("OIDC_ENTRA_APP_ROLES"),
                    response.body());
            assertTrue(entra.server().requests(GraphStub.PATH).isEmpty());
        }
    }
}
