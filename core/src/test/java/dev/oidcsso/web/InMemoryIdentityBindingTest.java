package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Without a store, users are bound in memory to the issuer and subject of their first login: a
 * second account at the in-process OpenID provider bringing the same {@code preferred_username}
 * is refused with 403, and an unverified e-mail address never becomes a user name.
 */
class InMemoryIdentityBindingTest {

    MockOAuth2Server idp;
    OidcSso sso;
    HttpServer app;

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(idp.wellKnownUrl("default").toString())
                .client("demo-client", "demo-secret").secretKey(JdkServerLoginTest.KEY).build());
        app = DemoApps.jdkApp(sso);
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        idp.shutdown();
    }

    HttpResponse<String> loginAs(String subject, Map<String, Object> claims) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of("demo-client"), claims, 3600));
        return Browser.forPages().navigate(DemoApps.baseUrl(app) + "/").last();
    }

    @Test
    void aSecondSubjectWithTheSameUserNameIsRefused() {
        Map<String, Object> alice = Map.of("preferred_username", "alice", "groups", List.of("mlflow"));
        assertEquals("hello alice via session at /", loginAs("alice-subject", alice).body());
        HttpResponse<String> mallory = loginAs("mallory-subject", alice);
        assertEquals(403, mallory.statusCode(), mallory.body());
        assertTrue(mallory.body().contains("belongs to another account"), mallory.body());
        assertEquals("hello alice via session at /", loginAs("alice-subject", alice).body(), "alice still signs in");
    }

    @Test
    void anUnverifiedEmailIsNoUserName() {
        // The default username claims are preferred_username, email, sub.
        Map<String, Object> unverified = Map.of("email", "alice@example.com", "groups", List.of("mlflow"));
        assertEquals("hello subject-7 via session at /", loginAs("subject-7", unverified).body());
        Map<String, Object> verified = Map.of("email", "bob@example.com", "email_verified", true, "groups", List.of("mlflow"));
        assertEquals("hello bob@example.com via session at /", loginAs("subject-8", verified).body());
    }
}
