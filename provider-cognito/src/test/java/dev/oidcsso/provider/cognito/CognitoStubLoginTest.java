package dev.oidcsso.provider.cognito;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.testing.stub.StubApp;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubIdp;
import dev.oidcsso.web.OidcSso;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full login through the framework against a local stub that answers as a Cognito user pool does. */
class CognitoStubLoginTest {

    static final String KEY = "0123456789abcdef0123456789abcdef-test-only";
    static final String POOL = "eu-west-1_AbCdEf123";

    @Test
    void loginGroupsHostedUiLogoutAndAccessTokens() {
        try (StubIdp pool = StubIdp.start("/" + POOL)) {
            // Cognito: no end_session_endpoint; the hosted UI domain serves /logout and wants
            // client_id and logout_uri (not the standard post_logout_redirect_uri).
            pool.server().route("GET", "/logout", r -> r.query().containsKey("client_id") && r.query().containsKey("logout_uri")
                    ? StubHttpServer.Response.redirect(r.query().get("logout_uri"))
                    : StubHttpServer.Response.text(400, "Required String parameter 'redirect_uri' is not present"));
            pool.idTokenClaims(request -> Map.of("sub", "7b1f4c2e-0000-4000-8000-000000000001", "cognito:username", "jane",
                    "email", "jane@example.com", "email_verified", true, "token_use", "id",
                    "cognito:groups", List.of("mlflow-admin")));
            OidcSettings settings = OidcSettings.builder().client("client-1", "secret-1").secretKey(KEY)
                    .discoveryUrl(pool.discoveryUrl().toString())
                    .set("OIDC_PROVIDER", "cognito")
                    .set("OIDC_COGNITO_DOMAIN", pool.server().base().toString())
                    .build();

            try (OidcSso sso = OidcSso.create(settings); StubApp app = StubApp.start(sso)) {
                assertTrue(sso.ready());
                Browser browser = new Browser().defaultHeader("Accept", "text/html");
                assertEquals("hello jane (admin) via session at /", browser.navigate(app.baseUrl() + "/").last().body());

                URI logout = URI.create(browser.signOut(app.baseUrl()).headers().firstValue("Location").orElseThrow());
                assertEquals("/logout", logout.getPath());
                assertEquals(Map.of("client_id", "client-1", "logout_uri", app.baseUrl() + "/"),
                        StubHttpServer.parseForm(logout.getRawQuery()));
                assertEquals(app.baseUrl() + "/", browser.get(logout.toString()).headers().firstValue("Location").orElseThrow());
                assertTrue(browser.get(app.baseUrl() + "/auth/status", Map.of("Accept", "application/json")).body().contains("\"authenticated\":false"));

                DiscoveredProvider provider = sso.provider().current().orElseThrow();
                TokenValidator validator = new TokenValidator(settings, Clock.systemUTC());
                String accessToken = pool.sign(Map.of("sub", "7b1f4c2e-0000-4000-8000-000000000001", "token_use", "access",
                        "client_id", "client-1", "scope", "openid email", "username", "jane"));
                assertEquals("jane", validator.validateBearer(provider, accessToken, List.of("client-1")).getClaim("username"));
                String otherClient = pool.sign(Map.of("sub", "x", "token_use", "access", "client_id", "client-2"));
                TokenValidationException refused = assertThrows(TokenValidationException.class,
                        () -> validator.validateBearer(provider, otherClient, List.of("client-1")));
                assertTrue(refused.getMessage().contains("issued to another app client"), refused.getMessage());
                assertFalse(refused.getMessage().contains(otherClient));

                // The same through the application, as an API client would send them.
                String groupsToken = pool.sign(Map.of("sub", "7b1f4c2e-0000-4000-8000-000000000002", "token_use", "access",
                        "client_id", "client-1", "username", "robot", "cognito:groups", List.of("mlflow")));
                HttpResponse<String> api = browser.get(app.baseUrl() + "/auth/status",
                        Map.of("Accept", "application/json", "Authorization", "Bearer " + groupsToken));
                assertEquals("{\"authenticated\":true,\"username\":\"robot\",\"groups\":[\"mlflow\"],\"admin\":false,"
                        + "\"auth_method\":\"bearer\"}", api.body());
                assertEquals(401, browser.get(app.baseUrl() + "/api/experiments",
                        Map.of("Accept", "application/json", "Authorization", "Bearer " + otherClient)).statusCode());
            }
        }
    }
}
