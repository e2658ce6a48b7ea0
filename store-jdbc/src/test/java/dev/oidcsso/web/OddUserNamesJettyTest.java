package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Users whose names hold {@code \}, {@code /} or {@code %} sign in like anyone, and an administrator
 * manages them through Jetty, whose default URI rules refuse those characters encoded in a path: the
 * {@code ?name=} form the UI uses carries any name.
 */
class OddUserNamesJettyTest {

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    OidcSso sso;
    Server jetty;
    String base;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        db = Database.open(StoreSettings.embedded(dataDir).withPollInterval(Duration.ofMillis(100)));
        sso = OidcSso.builder(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build())
                .database(db).resourceTypes(ResourceTypes.of("experiment")).build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/tracking");
        context.addFilter(new FilterHolder(new OidcSsoFilter(sso)), "/*", EnumSet.allOf(jakarta.servlet.DispatcherType.class));
        context.addServlet(new ServletHolder(new JettyFilterLoginTest.WhoAmI()), "/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/tracking";
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        sso.close();
        db.close();
        op.close();
    }

    String bearerFor(TestUser user) {
        op.user(user);
        return "Bearer " + op.accessToken(Map.of());
    }

    HttpResponse<String> call(String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", authorization);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return new Browser().send(request);
    }

    @Test
    void usersWithSlashesBackslashesAndPercentSignsCanBeManaged() {
        String admin = bearerFor(TestUser.admin());
        for (String name : List.of("CORP\\alice", "a/b", "100%", "x?y&z=1#f", "a+b c")) {
            String user = bearerFor(TestUser.withGroups(name, "mlflow"));
            assertEquals(200, call("GET", "/oidc/api/me", user, null).statusCode(), name + " signs in");
            String query = "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);

            HttpResponse<String> shown = call("GET", "/oidc/api/users" + query, admin, null);
            assertEquals(200, shown.statusCode(), name + ": " + shown.body());
            assertEquals(name, RestApiTest.json(shown).get("username").asText());

            HttpResponse<String> issued = call("POST", "/oidc/api/users/token" + query, admin, "{}");
            assertEquals(201, issued.statusCode(), name + ": " + issued.body());
            assertEquals(name, RestApiTest.json(issued).get("username").asText());
            assertEquals(204, call("DELETE", "/oidc/api/users/token" + query, admin, null).statusCode(), name);

            HttpResponse<String> disabled = call("PATCH", "/oidc/api/users" + query, admin, "{\"disabled\": true}");
            assertEquals(200, disabled.statusCode(), name + ": " + disabled.body());
            assertTrue(RestApiTest.json(disabled).get("disabled").asBoolean());
            assertEquals(403, call("GET", "/oidc/api/me", user, null).statusCode(), name + " is refused once disabled");
        }
        JsonNode group = RestApiTest.json(call("GET", "/oidc/api/groups?name=mlflow", admin, null));
        assertTrue(group.get("members").toString().contains("CORP\\\\alice"), group.toString());
    }

    @Test
    void namesWithControlCharactersAreRefusedWith400() {
        String admin = bearerFor(TestUser.admin());
        HttpResponse<String> refused = call("GET", "/oidc/api/users?name=a%00b", admin, null);
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("control character (U+0000)"), refused.body());
        HttpResponse<String> grant = call("PUT", "/oidc/api/grants", admin, "{\"grantee\": {\"kind\": \"group\", \"name\": \"a\\u0000b\"},"
                + " \"resource\": {\"type\": \"experiment\", \"name\": \"x\"}, \"level\": \"READ\"}");
        assertEquals(400, grant.statusCode(), grant.body());
        HttpResponse<String> surrogate = call("PUT", "/oidc/api/grants", admin, "{\"grantee\": {\"kind\": \"user\", \"name\": \"bob\"},"
                + " \"resource\": {\"type\": \"experiment\", \"name\": \"x\\ud800\"}, \"level\": \"READ\"}");
        assertEquals(400, surrogate.statusCode(), surrogate.body());
        assertFalse(surrogate.body().contains("Exception"), surrogate.body());
    }
}
