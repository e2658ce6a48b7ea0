package dev.oidcsso.provider.entra;

import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.testing.stub.StubContext;
import dev.oidcsso.testing.stub.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntraGroupDetectorTest {

    static final String TOKEN = "graph-access-token-for-tests";
    static final Map<String, Object> OVERAGE = Map.of("_claim_names", Map.of("groups", "src1"),
            "_claim_sources", Map.of("src1", Map.of("endpoint",
                    "https://graph.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/users/u1/getMemberObjects")));

    final StubHttpServer graph = StubHttpServer.start();

    @AfterEach
    void stop() {
        graph.close();
    }

    GroupDetector detector(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of("OIDC_ENTRA_GRAPH_URL", graph.base() + "/v1.0"));
        settings.putAll(extra);
        return new EntraGroupDetector.Factory().create(PluginSettings.of(settings));
    }

    static Map<String, Object> claims(Map<String, Object> extra) {
        Map<String, Object> claims = new HashMap<>(Map.of("sub", "s1", "oid", "o1", "tid", "t1"));
        claims.putAll(extra);
        return claims;
    }

    @Test
    void groupObjectIdsFromTheTokenWithoutCallingGraph() {
        List<String> groups = detector(Map.of()).detectGroups(StubContext.ofToken(
                claims(Map.of("groups", List.of(GraphStub.groupId(1), GraphStub.groupId(2)))), TOKEN));
        assertEquals(List.of(GraphStub.groupId(1), GraphStub.groupId(2)), groups);
        assertTrue(graph.requests().isEmpty());
    }

    @Test
    void overageReadsEveryGraphPageAndRemovesDuplicates() {
        List<Map<String, Object>> listing = GraphStub.manyGroupsWithDuplicates(260);
        assertTrue(listing.size() > 260, "the listing repeats some groups");
        GraphStub.serve(graph, TOKEN, listing, 100);

        List<String> groups = detector(Map.of()).detectGroups(StubContext.ofToken(claims(OVERAGE), TOKEN));

        assertEquals(260, groups.size());
        assertEquals(GraphStub.groupId(0), groups.get(0));
        assertEquals(GraphStub.groupId(259), groups.get(259));
        assertEquals(3, graph.requests(GraphStub.PATH).size());
        assertTrue(graph.requests(GraphStub.PATH).stream().allMatch(r -> r.bearer().orElse("").equals(TOKEN)));
        assertEquals("id,displayName", graph.requests(GraphStub.PATH).get(0).query().get("$select"));
        assertTrue(graph.requests(GraphStub.PATH).stream().allMatch(r -> "true".equals(r.query().get("$count"))
                && r.header("ConsistencyLevel").orElse("").equals("eventual")), "every page is an advanced query");
    }

    @Test
    void onlyGroupsCountEvenWithDisplayNames() {
        GraphStub.serve(graph, TOKEN, List.of(GraphStub.group(GraphStub.groupId(1), "mlflow"),
                GraphStub.entry("#microsoft.graph.administrativeUnit", GraphStub.groupId(2), "mlflow-admin"),
                GraphStub.entry("#microsoft.graph.directoryRole", GraphStub.groupId(3), "mlflow-admin"),
                GraphStub.entry(null, GraphStub.groupId(4), "mlflow-admin")), 100);
        assertEquals(List.of("mlflow"), detector(Map.of("OIDC_ENTRA_GROUP_NAMES", "display")).detectGroups(
                StubContext.ofToken(claims(Map.of()), TOKEN)));
    }

    @Test
    void theStubRefusesACastWithoutTheAdvancedQueryFormAsGraphDoes() throws Exception {
        GraphStub.serve(graph, TOKEN, List.of(GraphStub.group(GraphStub.groupId(1), "mlflow")), 100);
        java.net.http.HttpResponse<String> plain = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(graph.url(GraphStub.PATH + "?$select=id,displayName"))
                        .header("Authorization", "Bearer " + TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, plain.statusCode());
        assertTrue(plain.body().contains("Request_UnsupportedQuery"), plain.body());
    }

    @Test
    void anOverageBearerTokenIsRefusedWith401SayingWhatToDo() {
        TokenValidationException e = assertThrows(TokenValidationException.class,
                () -> detector(Map.of()).detectGroups(StubContext.ofToken(claims(OVERAGE), null)));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().contains("too many groups"), e.getMessage());
        assertTrue(e.getMessage().contains("OIDC_ENTRA_APP_ROLES=true") && e.getMessage().contains("groups assigned to the application")
                && e.getMessage().contains("sign in through the browser"), e.getMessage());
        assertTrue(graph.requests().isEmpty());
    }

    @Test
    void anOverageBearerTokenWithAppRolesIsDecidedByItsRoles() {
        Map<String, Object> token = new HashMap<>(OVERAGE);
        token.put("roles", List.of("MLflow.Admin"));
        assertEquals(List.of("MLflow.Admin"), detector(Map.of("OIDC_ENTRA_APP_ROLES", "true"))
                .detectGroups(StubContext.ofToken(claims(token), null)));
        assertTrue(graph.requests().isEmpty());
    }

    @Test
    void hasGroupsAlsoMeansOverage() {
        GraphStub.serve(graph, TOKEN, List.of(GraphStub.group(GraphStub.groupId(7), "mlflow")), 100);
        assertEquals(List.of(GraphStub.groupId(7)), detector(Map.of()).detectGroups(
                StubContext.ofToken(claims(Map.of("hasgroups", true)), TOKEN)));
    }

    @Test
    void displayNamesComeFromGraph() {
        GraphStub.serve(graph, TOKEN, List.of(GraphStub.group(GraphStub.groupId(1), "mlflow"),
                GraphStub.group(GraphStub.groupId(2), "mlflow-admin")), 100);
        List<String> groups = detector(Map.of("OIDC_ENTRA_GROUP_NAMES", "display")).detectGroups(
                StubContext.ofToken(claims(Map.of("groups", List.of(GraphStub.groupId(1)))), TOKEN));
        assertEquals(List.of("mlflow", "mlflow-admin"), groups);
    }

    @Test
    void appRolesCountAsGroupsWhenEnabled() {
        Map<String, Object> token = claims(Map.of("groups", List.of(GraphStub.groupId(1)), "roles", List.of("MLflow.Admin")));
        assertEquals(List.of(GraphStub.groupId(1)), detector(Map.of()).detectGroups(StubContext.ofToken(token, TOKEN)));
        assertEquals(List.of(GraphStub.groupId(1), "MLflow.Admin"),
                detector(Map.of("OIDC_ENTRA_APP_ROLES", "true")).detectGroups(StubContext.ofToken(token, TOKEN)));
    }

    @Test
    void inAMultiTenantAppOnlyTheRoleTenantsRolesCount() {
        GroupDetector detector = detector(Map.of("OIDC_ENTRA_TENANT_ID", "organizations", "OIDC_ENTRA_APP_ROLES", "true",
                "OIDC_ENTRA_ROLE_TENANTS", "72F988BF-86F1-41AF-91AB-2D7CD011DB47"));
        Map<String, Object> home = claims(Map.of("tid", "72f988bf-86f1-41af-91ab-2d7cd011db47",
                "groups", List.of(GraphStub.groupId(1)), "roles", List.of("MLflow.Admin")));
        assertEquals(List.of(GraphStub.groupId(1), "MLflow.Admin"), detector.detectGroups(StubContext.ofToken(home, TOKEN)));
        Map<String, Object> other = new HashMap<>(home);
        other.put("tid", "0f0f0f0f-1111-2222-3333-444444444444");
        assertEquals(List.of(GraphStub.groupId(1)), detector.detectGroups(StubContext.ofToken(other, TOKEN)),
                "another tenant's administrator assigns this app's roles in their tenant: only the group IDs count");
        Map<String, Object> noTenant = new HashMap<>(home);
        noTenant.remove("tid");
        assertEquals(List.of(GraphStub.groupId(1)), detector.detectGroups(StubContext.ofToken(noTenant, TOKEN)));
    }

    @Test
    void aNextLinkToAnotherHostIsNotFollowed() {
        graph.route("GET", GraphStub.PATH, r -> StubHttpServer.Response.json(Map.of("value", List.of(),
                "@odata.nextLink", "http://localhost:1/steal")));
        GroupDetectionException e = assertThrows(GroupDetectionException.class,
                () -> detector(Map.of()).detectGroups(StubContext.ofToken(claims(OVERAGE), TOKEN)));
        assertTrue(e.getMessage().contains("points to another host"), e.getMessage());
    }

    @Test
    void aGraphRefusalSaysWhichPermissionIsMissingAndNeverShowsTheToken() {
        graph.route("GET", GraphStub.PATH, r -> StubHttpServer.Response.json(403, Map.of("error",
                Map.of("code", "Authorization_RequestDenied", "message", "Insufficient privileges to complete the operation."))));
        GroupDetectionException e = assertThrows(GroupDetectionException.class,
                () -> detector(Map.of()).detectGroups(StubContext.ofToken(claims(OVERAGE), TOKEN)));
        assertTrue(e.getMessage().contains("Authorization_RequestDenied"), e.getMessage());
        assertTrue(e.getMessage().contains("GroupMember.Read.All"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void overageWithoutAnAccessTokenFailsClearly() {
        TokenValidationException e = assertThrows(TokenValidationException.class,
                () -> detector(Map.of()).detectGroups(StubContext.ofToken(claims(OVERAGE), null)));
        assertTrue(e.getMessage().contains("no access token"), e.getMessage());
    }

    @Test
    void badSettingsFailConfiguration() {
        SettingsException e = assertThrows(SettingsException.class, () -> new EntraGroupDetector.Factory()
                .create(PluginSettings.of(Map.of("OIDC_ENTRA_GRAPH_URL", "http://graph.example.com"))));
        assertTrue(e.problems().get(0).startsWith("OIDC_ENTRA_GRAPH_URL='http://graph.example.com'"), e.getMessage());
    }
}
