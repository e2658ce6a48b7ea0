package dev.oidcsso.demo;

import dev.oidcsso.testing.Browser;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logs test users in through an external mock IdP. */
final class DemoUsers {

    static final String CLIENT_ID = "demo-client";
    static final String SECRET_KEY = "test-only-sealing-key-0123456789abcdef";

    private DemoUsers() {
    }

    /** The environment of a demo server using the mock IdP, with more settings on top. */
    static Map<String, String> environment(MockOAuth2Server idp, Map<String, String> more) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(Map.of(
                "OIDC_DISCOVERY_URL", idp.wellKnownUrl("default").toString(),
                "OIDC_CLIENT_ID", CLIENT_ID,
                "OIDC_CLIENT_SECRET", "test-only-client-secret",
                "SECRET_KEY", SECRET_KEY));
        env.putAll(more);
        return env;
    }

    /** A browser signed in at {@code base} as {@code username} with the given groups. */
    static Browser login(MockOAuth2Server idp, String base, String username, String... groups) {
        Browser browser = Browser.forPages();
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", username, "JWT", List.of(CLIENT_ID),
                Map.of("preferred_username", username, "groups", List.of(groups)), 3600));
        HttpResponse<String> home = browser.navigate(base + "/").last();
        assertEquals(200, home.statusCode(), home.body());
        assertTrue(home.body().contains("<th>User</th><td>" + username + "</td>"), home.body());
        return browser;
    }

    static String grant(String kind, String name, String type, String resource, String level) {
        return "{\"grantee\": {\"kind\": \"" + kind + "\", \"name\": \"" + name + "\"}, \"resource\": {\"type\": \"" + type
                + "\", \"name\": \"" + resource + "\"}" + (level == null ? "" : ", \"level\": \"" + level + "\"") + "}";
    }
}
