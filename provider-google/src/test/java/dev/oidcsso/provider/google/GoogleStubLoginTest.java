package dev.oidcsso.provider.google;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.stub.StubApp;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubIdp;
import dev.oidcsso.web.OidcSso;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full logins through the framework against a local stub of Google: no groups in the tokens, no
 * end_session_endpoint, {@code hd} for Workspace accounts, and the Directory API beside it.
 */
class GoogleStubLoginTest {

    static final String KEY = "0123456789abcdef0123456789abcdef-test-only";
    static final Map<String, String> JSON = Map.of("Accept", "application/json");

    StubIdp google;
    GoogleApisStub apis;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        google = StubIdp.start("");
        google.discovery().put("claims_supported", List.of("aud", "email", "email_verified", "exp", "family_name",
                "given_name", "iat", "iss", "name", "picture", "sub"));
        apis = new GoogleApisStub(google.server());
    }

    @AfterEach
    void stop() {
        google.close();
    }

    OidcSettings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("OIDC_PROVIDER", "google",
                "OIDC_DISCOVERY_URL", google.discoveryUrl().toString()));
        values.putAll(extra);
        return OidcSettings.builder().client("1234-abc.apps.googleusercontent.com", "GOCSPX-test").secretKey(KEY)
                .setAll(values).build();
    }

    void nextUser(String email, String hd) {
        String sub = "1101694844743862" + Math.abs(email.hashCode());
        google.userInfo(Map.of("sub", sub, "email", email, "email_verified", true, "name", "Jane Doe"));
        google.idTokenClaims(request -> {
            Map<String, Object> claims = new HashMap<>(Map.of("sub", sub,
                    "email", email, "email_verified", true, "name", "Jane Doe", "azp", request.get("client_id")));
            if (hd != null) {
                claims.put("hd", hd);
            }
            return claims;
        });
    }

    static Browser browser() {
        return new Browser().defaultHeader("Accept", "text/html");
    }

    @Test
    void mappingHostedDomainAndLocalLogout() {
        nextUser("boss@example.com", "example.com");
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", "mlflow-admin=boss@example.com;mlflow=@example.com",
                "OIDC_GOOGLE_HOSTED_DOMAIN", "example.com")));
             StubApp app = StubApp.start(sso)) {
            assertTrue(sso.ready());
            Browser browser = browser();
            assertEquals("hello boss@example.com (admin) via session at /", browser.navigate(app.baseUrl() + "/").last().body());
            assertEquals("example.com", google.server().requests("/oauth2/authorize").get(0).query().get("hd"));

            HttpResponse<String> logout = browser.signOut(app.baseUrl());
            String after = logout.headers().firstValue("Location").orElse("(no redirect)");
            assertFalse(after.startsWith(google.server().base().toString()), "Google has no end_session_endpoint: " + after);
            assertTrue(browser.get(app.baseUrl() + "/auth/status", JSON).body().contains("\"authenticated\":false"));
        }
    }

    @Test
    void anAccountOutsideTheHostedDomainIsRefused() {
        nextUser("someone@gmail.com", null);
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", "mlflow=*",
                "OIDC_GOOGLE_HOSTED_DOMAIN", "example.com")));
             StubApp app = StubApp.start(sso)) {
            Browser browser = browser();
            HttpResponse<String> page = browser.navigate(app.baseUrl() + "/").last();
            assertTrue(page.statusCode() / 100 == 4, page.statusCode() + " " + page.body());
            assertTrue(page.body().contains("personal Google account"), page.body());
            assertTrue(browser.get(app.baseUrl() + "/auth/status", JSON).body().contains("\"authenticated\":false"));
        }
    }

    @Test
    void workspaceGroupsFromTheDirectoryApi() {
        nextUser("jane@example.com", "example.com");
        apis.memberships.put("jane@example.com", List.of("all@example.com", "engineering@example.com", "mlflow-admin@example.com"));
        Map<String, String> values = new HashMap<>(apis.directorySettings(dir));
        values.put("OIDC_GROUP_NAME", "mlflow@example.com");
        values.put("OIDC_ADMIN_GROUP_NAME", "mlflow-admin@example.com");
        try (OidcSso sso = OidcSso.create(settings(values)); StubApp app = StubApp.start(sso)) {
            Browser browser = browser();
            assertEquals("hello jane@example.com (admin) via session at /", browser.navigate(app.baseUrl() + "/").last().body());
            assertEquals(2, google.server().requests(GoogleApisStub.GROUPS_PATH).size());
            assertEquals(1, apis.tokensIssued.get());
        }
    }

    static final String USERINFO = "/oauth2/userinfo";

    @Test
    void aLoginWhoseIdTokenHasAVerifiedEmailMakesNoUserInfoCall() {
        nextUser("boss@example.com", "example.com");
        // Even with Google's UserInfo endpoint down, such a login needs nothing from it.
        google.server().route("GET", USERINFO, request -> StubHttpServer.Response.json(503, Map.of("error", "backendError")));
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", "mlflow-admin=boss@example.com;mlflow=@example.com",
                "OIDC_GOOGLE_USERINFO_URL", google.server().url(USERINFO).toString())));
             StubApp app = StubApp.start(sso)) {
            assertEquals("hello boss@example.com (admin) via session at /", browser().navigate(app.baseUrl() + "/").last().body());
            assertEquals(0, google.server().requests(USERINFO).size(), "no UserInfo call");
        }
    }

    @Test
    void userInfoIsFetchedOnlyWhenTheIdTokenLacksTheEmail() {
        nextUser("jane@example.com", "example.com");
        String sub = "1101694844743862" + Math.abs("jane@example.com".hashCode());
        google.idTokenClaims(request -> Map.of("sub", sub, "azp", request.get("client_id")));
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", "mlflow=@example.com",
                "OIDC_GOOGLE_USERINFO_URL", google.server().url(USERINFO).toString(), "OIDC_USERNAME_CLAIM", "sub")));
             StubApp app = StubApp.start(sso)) {
            assertEquals("hello " + sub + " via session at /", browser().navigate(app.baseUrl() + "/").last().body());
            assertEquals(1, google.server().requests(USERINFO).size(), "one UserInfo call, for the missing e-mail");
        }
    }

    @Test
    void aRefusedUserInfoCallNamesGooglesError() {
        nextUser("jane@example.com", "example.com");
        // Google answers a bad access token with a bare 401 and the error in a JSON body, no WWW-Authenticate error.
        google.server().route("GET", USERINFO, request -> StubHttpServer.Response.json(401,
                Map.of("error", "invalid_request", "error_description", "Invalid Credentials")));
        try (OidcSso sso = OidcSso.create(settings(Map.of("OIDC_GOOGLE_GROUP_MAPPING", "mlflow=@example.com",
                "OIDC_IDENTITY_SOURCE", "userinfo")));
             StubApp app = StubApp.start(sso)) {
            HttpResponse<String> page = browser().navigate(app.baseUrl() + "/").last();
            assertEquals(502, page.statusCode(), page.body());
            assertTrue(page.body().contains("invalid_request"), page.body());
            assertTrue(page.body().contains("Invalid Credentials"), page.body());
            assertFalse(page.body().contains("null"), page.body());
            assertEquals(1, google.server().requests(USERINFO).size(), "the userinfo identity source asks once");
        }
    }
}
