package dev.oidcsso.provider.okta;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.stub.StubApp;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubIdp;
import dev.oidcsso.web.OidcSso;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full logins through the framework (JDK HttpServer adapter) against local stubs that answer as Okta
 * and Auth0 document, the profiles found by the service loader.
 */
class OktaStubLoginTest {

    static final String KEY = "0123456789abcdef0123456789abcdef-test-only";

    static OidcSettings settings(Map<String, String> values) {
        return OidcSettings.builder().client("client-1", "secret-1").secretKey(KEY).setAll(values).build();
    }

    @Test
    void oktaCustomAuthorizationServerLoginGroupsAndLogout() {
        try (StubIdp okta = StubIdp.start("/oauth2/default")) {
            okta.discovery().put("end_session_endpoint", okta.server().url("/oauth2/default/v1/logout").toString());
            okta.idTokenClaims(request -> Map.of("sub", "00u1abcd", "preferred_username", "jane@example.com",
                    "groups", List.of("Everyone", "mlflow-admin")));
            OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "okta", "OIDC_OKTA_DOMAIN", okta.server().base().toString(),
                    "OIDC_OKTA_AUTHORIZATION_SERVER_ID", "default"));
            assertEquals(okta.discoveryUrl(), settings.discoveryUrl());

            try (OidcSso sso = OidcSso.create(settings); StubApp app = StubApp.start(sso)) {
                assertTrue(sso.ready());
                Browser browser = new Browser().defaultHeader("Accept", "text/html");
                assertEquals("hello jane@example.com (admin) via session at /", browser.navigate(app.baseUrl() + "/").last().body());
                assertTrue(browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body()
                        .contains("\"groups\":[\"Everyone\",\"mlflow-admin\"]"));

                URI logout = URI.create(browser.signOut(app.baseUrl()).headers().firstValue("Location").orElseThrow());
                assertEquals("/oauth2/default/v1/logout", logout.getPath());
                Map<String, String> query = StubHttpServer.parseForm(logout.getRawQuery());
                assertEquals("client-1", query.get("client_id"));
                assertTrue(query.containsKey("id_token_hint"));
                assertEquals(app.baseUrl() + "/", query.get("post_logout_redirect_uri"));
            }
        }
    }

    @Test
    void auth0NamespacedClaimTrailingSlashIssuerAndV2Logout() {
        // Auth0's issuer is the tenant URL with a trailing slash; groups come from a post-login
        // Action's namespaced claim; no end_session_endpoint unless RP-initiated logout is enabled.
        try (StubIdp auth0 = StubIdp.start("/.well-known/openid-configuration", "/")) {
            auth0.server().route("GET", "/v2/logout", r -> StubHttpServer.Response.redirect(r.query().get("returnTo")));
            // Auth0's ID token carries email_verified with the email scope; only a verified address names a user.
            auth0.idTokenClaims(request -> Map.of("sub", "auth0|6543", "email", "somebody@gmail.com", "email_verified", true,
                    "nickname", "somebody", "urn:mlflow:groups", List.of("mlflow")));
            OidcSettings settings = settings(Map.of("OIDC_AUTH0_DOMAIN", auth0.server().base().toString(),
                    "OIDC_PROVIDER", "auth0", "OIDC_USERNAME_CLAIM", "email"));
            assertTrue(auth0.issuer().endsWith("/"));

            try (OidcSso sso = OidcSso.create(settings); StubApp app = StubApp.start(sso)) {
                assertTrue(sso.ready());
                Browser browser = new Browser().defaultHeader("Accept", "text/html");
                assertEquals("hello somebody@gmail.com via session at /", browser.navigate(app.baseUrl() + "/").last().body());

                URI logout = URI.create(browser.signOut(app.baseUrl()).headers().firstValue("Location").orElseThrow());
                assertEquals("/v2/logout", logout.getPath());
                HttpResponse<String> back = browser.get(logout.toString());
                assertEquals(app.baseUrl() + "/", back.headers().firstValue("Location").orElseThrow());
                assertEquals(Map.of("client_id", "client-1", "returnTo", app.baseUrl() + "/"),
                        auth0.server().requests("/v2/logout").get(0).query());
                assertTrue(browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body().contains("\"authenticated\":false"));
            }
        }
    }

    @Test
    void auth0UserWithoutTheActionsClaimIsRefused() {
        try (StubIdp auth0 = StubIdp.start("/.well-known/openid-configuration", "/")) {
            auth0.idTokenClaims(request -> Map.of("sub", "auth0|1", "email", "stranger@example.com"));
            OidcSettings settings = settings(Map.of("OIDC_AUTH0_DOMAIN", auth0.server().base().toString(), "OIDC_PROVIDER", "auth0"));
            try (OidcSso sso = OidcSso.create(settings); StubApp app = StubApp.start(sso)) {
                assertEquals(403, new Browser().defaultHeader("Accept", "text/html").navigate(app.baseUrl() + "/").last().statusCode());
            }
        }
    }
}
