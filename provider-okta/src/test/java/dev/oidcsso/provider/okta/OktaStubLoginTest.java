package dev.oidcsso.provider.okta;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubIdp;
import dev.oidcsso.testing.stub.StubLogin;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static dev.oidcsso.provider.okta.OktaProfileTest.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Okta and Auth0 against local stubs that answer as those IdPs document. */
class OktaStubLoginTest {

    private static final URI CALLBACK = URI.create("http://localhost:8080/callback");
    private static final URI HOME = URI.create("http://localhost:8080/");

    @Test
    void oktaCustomAuthorizationServerLoginGroupsAndLogout() {
        try (StubIdp okta = StubIdp.start("/oauth2/default")) {
            okta.discovery().put("end_session_endpoint", okta.server().url("/oauth2/default/v1/logout").toString());
            okta.server().route("GET", "/oauth2/default/v1/logout",
                    r -> StubHttpServer.Response.redirect(r.query().get("post_logout_redirect_uri")));
            okta.idTokenClaims(request -> Map.of("sub", "00u1abcd", "preferred_username", "jane@example.com",
                    "groups", List.of("Everyone", "mlflow-admin")));
            OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "okta", "OIDC_OKTA_DOMAIN", okta.server().base().toString(),
                    "OIDC_OKTA_AUTHORIZATION_SERVER_ID", "default"));
            assertEquals(okta.discoveryUrl(), settings.discoveryUrl());

            StubLogin.Result login = StubLogin.login(settings, CALLBACK);

            assertTrue(login.refusal().isEmpty());
            assertEquals(List.of("Everyone", "mlflow-admin"), login.claims().get(settings.groupsAttribute()));
            URI logout = settings.profile().logoutUri(login.logoutRequest(settings, HOME), settings).orElseThrow();
            assertEquals(okta.server().url("/oauth2/default/v1/logout").getPath(), logout.getPath());
            assertEquals(HOME.toString(), StubLogin.redirectLocation(logout));
            assertEquals("client-1", okta.server().requests("/oauth2/default/v1/logout").get(0).query().get("client_id"));
        }
    }

    @Test
    void auth0NamespacedClaimTrailingSlashIssuerAndV2Logout() {
        // Auth0's issuer is the tenant URL with a trailing slash, and it advertises no
        // end_session_endpoint unless RP-initiated logout is switched on.
        try (StubIdp auth0 = StubIdp.start("/.well-known/openid-configuration", "/")) {
            auth0.server().route("GET", "/v2/logout", r -> StubHttpServer.Response.redirect(r.query().get("returnTo")));
            auth0.idTokenClaims(request -> Map.of("sub", "auth0|6543", "email", "somebody@gmail.com", "nickname", "somebody",
                    "urn:mlflow:groups", List.of("mlflow-admin")));
            OidcSettings settings = settings(Map.of("OIDC_PROVIDER", "auth0", "OIDC_AUTH0_DOMAIN", auth0.server().base().toString()));
            assertTrue(auth0.issuer().endsWith("/"));

            StubLogin.Result login = StubLogin.login(settings, CALLBACK);

            assertEquals(List.of("mlflow-admin"), login.claims().get("urn:mlflow:groups"));
            assertEquals("urn:mlflow:groups", settings.groupsAttribute());
            URI logout = settings.profile().logoutUri(login.logoutRequest(settings, HOME), settings).orElseThrow();
            assertEquals("/v2/logout", logout.getPath());
            assertEquals(HOME.toString(), StubLogin.redirectLocation(logout));
            assertEquals(Map.of("client_id", "client-1", "returnTo", HOME.toString()),
                    auth0.server().requests("/v2/logout").get(0).query());
        }
    }
}
