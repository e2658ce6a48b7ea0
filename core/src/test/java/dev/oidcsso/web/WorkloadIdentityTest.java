package dev.oidcsso.web;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.StubServer;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.stub.StubKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workload identities: bearer tokens from local issuers that reproduce the documented token claims
 * and discovery documents of GitHub Actions (docs.github.com, "OpenID Connect reference"), GitLab
 * CI ID tokens (docs.gitlab.com, "OpenID Connect (OIDC) Authentication Using ID Tokens") and
 * Kubernetes projected service account tokens (no {@code typ} header, a nested
 * {@code kubernetes.io} claim, keys at {@code /openid/v1/jwks}), beside the IdP's own bearer tokens.
 */
class WorkloadIdentityTest {

    static final String AUDIENCE = "https://mlflow.example.com";

    TestProvider op;
    final List<AutoCloseable> closeables = new ArrayList<>();
    StubServer github;
    StubServer gitlab;
    StubServer k8s;
    final StubKeys githubKeys = StubKeys.generate();
    final StubKeys gitlabKeys = StubKeys.generate();
    final StubKeys k8sKeys = StubKeys.generate();
    OidcSso sso;
    HttpServer app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        github = issuer(githubKeys, "/.well-known/jwks", Map.of(
                "subject_types_supported", List.of("public", "pairwise"),
                "response_types_supported", List.of("id_token"),
                "claims_supported", List.of("sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "repository_id",
                        "repository_owner", "repository_owner_id", "run_id", "run_number", "run_attempt", "actor", "actor_id",
                        "workflow", "head_ref", "base_ref", "event_name", "ref_type", "environment", "job_workflow_ref"),
                "id_token_signing_alg_values_supported", List.of("RS256"),
                "scopes_supported", List.of("openid")));
        gitlab = issuer(gitlabKeys, "/oauth/discovery/keys", Map.of(
                "authorization_endpoint", "/oauth/authorize",
                "token_endpoint", "/oauth/token",
                "response_types_supported", List.of("code"),
                "subject_types_supported", List.of("public"),
                "id_token_signing_alg_values_supported", List.of("RS256"),
                "claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "namespace_id", "namespace_path", "project_id",
                        "project_path", "user_id", "user_login", "user_email", "pipeline_id", "pipeline_source", "job_id",
                        "ref", "ref_type", "ref_protected")));
        k8s = issuer(k8sKeys, "/openid/v1/jwks", Map.of(
                "response_types_supported", List.of("id_token"),
                "subject_types_supported", List.of("public"),
                "id_token_signing_alg_values_supported", List.of("RS256")));
        startApp(Map.of());
    }

    void startApp(Map<String, String> more) throws Exception {
        Map<String, String> values = new LinkedHashMap<>(Map.of(
                "OIDC_WORKLOAD_ISSUERS", "github,gitlab,k8s",
                "OIDC_WORKLOAD_GITHUB_ISSUER", issuerOf(github),
                "OIDC_WORKLOAD_GITHUB_AUDIENCE", AUDIENCE,
                "OIDC_WORKLOAD_GITHUB_CLAIMS", "repository=octo-org/octo-repo,ref=refs/heads/main",
                "OIDC_WORKLOAD_GITHUB_USER", "ci-deploy",
                "OIDC_WORKLOAD_GITLAB_ISSUER", issuerOf(gitlab),
                "OIDC_WORKLOAD_GITLAB_AUDIENCE", AUDIENCE,
                "OIDC_WORKLOAD_GITLAB_CLAIMS", "project_path=mygroup/myproject,ref_type=branch,ref=main,ref_protected=true",
                "OIDC_WORKLOAD_GITLAB_GROUPS", "ml-pipelines"));
        values.putAll(Map.of(
                "OIDC_WORKLOAD_K8S_ISSUER", issuerOf(k8s),
                "OIDC_WORKLOAD_K8S_JWKS_URL", k8s.url("/openid/v1/jwks"),
                "OIDC_WORKLOAD_K8S_AUDIENCE", AUDIENCE,
                "OIDC_WORKLOAD_K8S_CLAIMS", "kubernetes.io.namespace=ml,kubernetes.io.serviceaccount.name=trainer",
                "OIDC_WORKLOAD_K8S_USER", "k8s-trainer",
                "OIDC_WORKLOAD_K8S_GROUPS", "mlflow-admin"));
        values.putAll(more);
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString()).client(op.clientId(), op.clientSecret())
                .secretKey(JdkServerLoginTest.KEY).setAll(values).build());
        app = DemoApps.jdkApp(sso);
    }

    @AfterEach
    void stop() throws Exception {
        app.stop(0);
        sso.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        op.close();
    }

    /** A local issuer: its discovery document (issuer and jwks_uri filled in) and its JWKS. */
    StubServer issuer(StubKeys keys, String jwksPath, Map<String, Object> document) {
        StubServer server = StubServer.start();
        closeables.add(server);
        server.on("/.well-known/openid-configuration", (exchange, request) -> {
            Map<String, Object> full = new LinkedHashMap<>();
            full.put("issuer", issuerOf(server));
            full.put("jwks_uri", server.url(jwksPath));
            document.forEach((name, value) -> full.put(name, value instanceof String path && path.startsWith("/") ? server.url(path) : value));
            StubServer.respond(exchange, 200, "application/json", com.nimbusds.jose.util.JSONObjectUtils.toJSONString(full));
        });
        server.on(jwksPath, (exchange, request) -> StubServer.respond(exchange, 200, "application/json",
                com.nimbusds.jose.util.JSONObjectUtils.toJSONString(keys.jwks())));
        return server;
    }

    static String issuerOf(StubServer server) {
        String base = server.baseUrl().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The claims of a GitHub Actions job of octo-org/octo-repo on main, as documented. */
    Map<String, Object> githubClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("sub", "repo:octo-org/octo-repo:ref:refs/heads/main");
        claims.put("aud", AUDIENCE);
        claims.put("ref", "refs/heads/main");
        claims.put("sha", "d6b8a2c3e4f5061728394a5b6c7d8e9f00112233");
        claims.put("repository", "octo-org/octo-repo");
        claims.put("repository_owner", "octo-org");
        claims.put("repository_owner_id", "65");
        claims.put("repository_id", "74");
        claims.put("repository_visibility", "private");
        claims.put("actor_id", "12");
        claims.put("actor", "octocat");
        claims.put("workflow", "example-workflow");
        claims.put("head_ref", "");
        claims.put("base_ref", "");
        claims.put("event_name", "workflow_dispatch");
        claims.put("ref_type", "branch");
        claims.put("job_workflow_ref", "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main");
        claims.put("runner_environment", "github-hosted");
        claims.put("run_id", "example-run-id");
        claims.put("run_number", "10");
        claims.put("run_attempt", "2");
        claims.put("iss", issuerOf(github));
        return claims;
    }

    /** The claims of a GitLab CI job's ID token for mygroup/myproject on the protected branch main, as documented. */
    Map<String, Object> gitlabClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("namespace_id", "72");
        claims.put("namespace_path", "mygroup");
        claims.put("project_id", "20");
        claims.put("project_path", "mygroup/myproject");
        claims.put("user_id", "1");
        claims.put("user_login", "sample-user");
        claims.put("user_email", "sample-user@example.com");
        claims.put("user_identities", List.of(Map.of("provider", "github", "extern_uid", "2435223452345")));
        claims.put("pipeline_id", "574");
        claims.put("pipeline_source", "push");
        claims.put("job_id", "302");
        claims.put("ref", "main");
        claims.put("ref_type", "branch");
        claims.put("ref_path", "refs/heads/main");
        claims.put("ref_protected", "true");
        claims.put("runner_id", 1);
        claims.put("runner_environment", "self-hosted");
        claims.put("sha", "714a629c0b401fdce83e847fc9589983fc6f46bc");
        claims.put("project_visibility", "public");
        claims.put("ci_config_ref_uri", "gitlab.example.com/mygroup/myproject//.gitlab-ci.yml@refs/heads/main");
        claims.put("ci_config_sha", "714a629c0b401fdce83e847fc9589983fc6f46bc");
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iss", issuerOf(gitlab));
        claims.put("sub", "project_path:mygroup/myproject:ref_type:branch:ref:main");
        claims.put("aud", AUDIENCE);
        return claims;
    }

    /** The claims of a projected service account token of ml/trainer, as a cluster issues them. */
    Map<String, Object> k8sClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", List.of(AUDIENCE));
        claims.put("iss", issuerOf(k8s));
        claims.put("kubernetes.io", Map.of(
                "namespace", "ml",
                "pod", Map.of("name", "trainer-7d9f8b6c5-x2x4z", "uid", "900f80ed-bafe-49f0-9ae2-c5f0a3ac2cbe"),
                "serviceaccount", Map.of("name", "trainer", "uid", "a709ef71-30e2-489a-bd19-ade97031b9db")));
        claims.put("sub", "system:serviceaccount:ml:trainer");
        return claims;
    }

    /** Signs with RS256 and the key's kid; {@code typ} only when given (Kubernetes sends none). */
    static String sign(StubKeys keys, Map<String, Object> claims, boolean typ, long lifetimeSeconds) {
        Instant now = Instant.now();
        Map<String, Object> timed = new LinkedHashMap<>(claims);
        timed.putIfAbsent("iat", now.getEpochSecond());
        timed.putIfAbsent("nbf", now.getEpochSecond());
        timed.putIfAbsent("exp", now.plusSeconds(lifetimeSeconds).getEpochSecond());
        try {
            JWTClaimsSet set = JWTClaimsSet.parse(timed);
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keys.key().getKeyID());
            if (typ) {
                header.type(com.nimbusds.jose.JOSEObjectType.JWT);
            }
            SignedJWT jwt = new SignedJWT(header.build(), set);
            jwt.sign(new RSASSASigner(keys.key()));
            return jwt.serialize();
        } catch (JOSEException | java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> call(String token) {
        return new Browser().send(HttpRequest.newBuilder(URI.create(DemoApps.baseUrl(app) + "/experiments"))
                .header("Authorization", "Bearer " + token));
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(claims);
        copy.put(name, value);
        return copy;
    }

    @Test
    void readinessNamesAWorkloadIssuerThatIsDownWithoutFailingTheApplication() {
        gitlab.close();
        HttpResponse<String> ready = new Browser().getJson(DemoApps.baseUrl(app) + "/health/ready");
        assertEquals(200, ready.statusCode(), "browser logins and the other issuers' tokens still work: " + ready.body());
        assertEquals("{\"status\":\"DEGRADED\",\"identity_providers\":{\"up\":1,\"down\":0},"
                + "\"workload_issuers\":{\"up\":2,\"down\":1}}", ready.body(), "counts only, to an anonymous caller");
        String health = new Browser().getJson(DemoApps.baseUrl(app) + "/health").body();
        assertTrue(health.contains("\"workload_issuers\":{\"up\":2,\"down\":1}") && !health.contains("gitlab"), health);
        // An administrator (here the k8s workload, admin through its group) is told which issuer is down.
        HttpResponse<String> named = new Browser().send(HttpRequest.newBuilder(URI.create(DemoApps.baseUrl(app) + "/health/ready"))
                .header("Accept", "application/json").header("Authorization", "Bearer " + sign(k8sKeys, k8sClaims(), false, 3600)));
        assertEquals("{\"status\":\"DEGRADED\",\"identity_providers\":{\"default\":\"UP\"},"
                + "\"workload_issuers\":{\"github\":\"UP\",\"gitlab\":\"DOWN\",\"k8s\":\"UP\"}}", named.body());
        health = new Browser().send(HttpRequest.newBuilder(URI.create(DemoApps.baseUrl(app) + "/health"))
                .header("Accept", "application/json").header("Authorization", "Bearer " + sign(k8sKeys, k8sClaims(), false, 3600))).body();
        assertTrue(health.contains("\"gitlab\":{\"ready\":false}"), health);
        assertFalse(health.contains(issuerOf(gitlab)), "where the issuer is stays in the log: " + health);
    }

    @Test
    void eachIssuersTokenStandsForItsConfiguredUserAndGroups() {
        assertEquals("hello ci-deploy via bearer at /experiments", call(sign(githubKeys, githubClaims(), true, 300)).body());
        assertEquals("hello workload-gitlab via bearer at /experiments", call(sign(gitlabKeys, gitlabClaims(), true, 300)).body());
        assertEquals("hello k8s-trainer (admin) via bearer at /experiments", call(sign(k8sKeys, k8sClaims(), false, 3600)).body(),
                "a workload is an administrator only through a configured admin group");
        // The IdP's own bearer tokens work as before.
        assertEquals(200, call(op.accessToken(Map.of())).statusCode());
        assertEquals(1, github.requests().stream().filter(r -> r.path().endsWith("/openid-configuration")).count(),
                "discovery once, then cached");
    }

    @Test
    void tokensFailingTheirRulesAudienceTimesOrSignatureGet401NamingNoSecret() {
        List<String> refused = List.of(
                sign(githubKeys, with(githubClaims(), "ref", "refs/heads/feature"), true, 300),
                sign(githubKeys, with(githubClaims(), "repository", "evil-org/octo-repo"), true, 300),
                sign(githubKeys, with(githubClaims(), "aud", "https://github.com/octo-org"), true, 300),
                sign(githubKeys, with(with(githubClaims(), "exp", Instant.now().minusSeconds(600).getEpochSecond()), "iat",
                        Instant.now().minusSeconds(900).getEpochSecond()), true, 300),
                sign(gitlabKeys, githubClaims(), true, 300),
                sign(gitlabKeys, with(gitlabClaims(), "ref_protected", "false"), true, 300),
                sign(gitlabKeys, with(gitlabClaims(), "project_path", "mygroup/myproject-fork"), true, 300),
                sign(k8sKeys, with(k8sClaims(), "kubernetes.io", Map.of("namespace", "default",
                        "serviceaccount", Map.of("name", "trainer"))), false, 3600),
                sign(k8sKeys, with(k8sClaims(), "kubernetes.io", "ml"), false, 3600));
        for (String token : refused) {
            HttpResponse<String> response = call(token);
            assertEquals(401, response.statusCode(), response.body());
            assertFalse(response.body().contains(token), "the answer never echoes the token");
            assertFalse(response.body().contains("octo-org/octo-repo") || response.body().contains("refs/heads/main")
                    || response.body().contains("mygroup/myproject") || response.body().contains("=ml"), response.body());
        }
    }

    @Test
    void anUnconfiguredIssuerGets401() {
        StubKeys strangerKeys = StubKeys.generate();
        StubServer stranger = issuer(strangerKeys, "/jwks", Map.of());
        Map<String, Object> claims = with(githubClaims(), "iss", issuerOf(stranger));
        HttpResponse<String> response = call(sign(strangerKeys, claims, true, 300));
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(stranger.requests().isEmpty(), "an unconfigured issuer is never contacted");
    }

    @Test
    void anIssuerThatIsDownAffectsOnlyItsOwnTokens() throws Exception {
        String githubToken = sign(githubKeys, githubClaims(), true, 300);
        github.close();
        HttpResponse<String> down = call(githubToken);
        assertEquals(503, down.statusCode(), down.body());
        assertEquals("hello k8s-trainer (admin) via bearer at /experiments", call(sign(k8sKeys, k8sClaims(), false, 3600)).body());
        assertEquals("hello workload-gitlab via bearer at /experiments", call(sign(gitlabKeys, gitlabClaims(), true, 300)).body());
        assertEquals(200, call(op.accessToken(Map.of())).statusCode(), "the IdP's tokens are unaffected");
    }

    @Test
    void everyProblemOfEveryWorkloadIssuerIsReportedInOnePass() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .discoveryUrl(op.discoveryUrl().toString()).client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY)
                .set("OIDC_WORKLOAD_ISSUERS", "github,k8s,Bad Name,github")
                .set("OIDC_WORKLOAD_GITHUB_ISSUER", "http://token.actions.githubusercontent.com")
                .set("OIDC_WORKLOAD_K8S_ISSUER", "https://kubernetes.default.svc")
                .set("OIDC_WORKLOAD_K8S_AUDIENCE", "api")
                .set("OIDC_WORKLOAD_K8S_CLAIMS", "namespace")
                .set("OIDC_CLIENT_ID", "")
                .build());
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("OIDC_WORKLOAD_GITHUB_ISSUER='http://token.actions.githubusercontent.com' must be an https URL"), all);
        assertTrue(all.contains("OIDC_WORKLOAD_GITHUB_AUDIENCE is not set"), all);
        assertTrue(all.contains("OIDC_WORKLOAD_GITHUB_CLAIMS is not set"), all);
        assertTrue(all.contains("OIDC_WORKLOAD_K8S_CLAIMS entry 'namespace' is not claim=value"), all);
        assertTrue(all.contains("OIDC_WORKLOAD_ISSUERS entry 'Bad Name'"), all);
        assertTrue(all.contains("OIDC_WORKLOAD_ISSUERS names 'github' twice"), all);
        assertTrue(all.contains("OIDC_CLIENT_ID"), "the workload problems come with the others: " + all);
    }
}
