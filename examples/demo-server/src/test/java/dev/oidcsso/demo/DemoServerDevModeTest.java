package dev.oidcsso.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.HtmlForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server in development mode, as a newcomer meets it: the embedded IdP's sign-in page,
 * a login as user, admin, a typed name and someone in no group, then the experiments API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoServerDevModeTest {

    final ObjectMapper json = new ObjectMapper();
    @TempDir
    static Path dataDir;
    DemoServer server;
    String base;

    @BeforeAll
    void start() throws IOException {
        server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
        server.start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    void stop() {
        server.stop();
    }

    /** Opens the home page, is sent to the dev IdP, and clicks the given form's button. */
    HttpResponse<String> loginWith(Browser browser, String formId, Map<String, String> typed, String role) {
        HttpResponse<String> signIn = browser.navigate(base + "/").last();
        assertEquals(200, signIn.statusCode());
        assertTrue(signIn.uri().toString().startsWith(server.devIdentityProvider().orElseThrow().issuer()), signIn.uri().toString());
        HtmlForm form = HtmlForm.parse(signIn, formId);
        typed.forEach(form::set);
        if (role != null) {
            form.choose("claims", role);
        }
        List<HttpResponse<String>> chain = browser.submit(form).chain();
        return chain.get(chain.size() - 1);
    }

    HttpResponse<String> loginWith(Browser browser, String formId) {
        return loginWith(browser, formId, Map.of(), null);
    }

    JsonNode status(Browser browser) throws IOException {
        return json.readTree(browser.getJson(base + "/auth/status").body());
    }

    @Test
    void signInPageSaysItIsForDevelopmentOnly() {
        HttpResponse<String> signIn = Browser.forPages().navigate(base + "/").last();
        assertTrue(signIn.body().contains("DEVELOPMENT ONLY"), signIn.body());
        assertTrue(signIn.body().contains("Sign in as <strong>admin</strong> (group mlflow-admin)"), signIn.body());
        assertFalse(signIn.body().contains("${"), "every placeholder is filled in");
    }

    @Test
    void adminSignsInWithOneClick() throws IOException {
        Browser browser = Browser.forPages();
        HttpResponse<String> home = loginWith(browser, "login-admin");
        assertEquals(200, home.statusCode(), home.body());
        assertEquals(URI.create(base + "/"), home.uri());
        assertTrue(home.body().contains("<th>User</th><td>admin</td>"), home.body());
        assertTrue(home.body().contains("<th>Administrator</th><td>yes</td>"), home.body());
        assertTrue(home.body().contains("DEVELOPMENT MODE"), home.body());
        JsonNode status = status(browser);
        assertTrue(status.get("authenticated").asBoolean());
        assertEquals("admin", status.get("username").asText());
        assertEquals("[\"mlflow-admin\"]", status.get("groups").toString());
        assertTrue(status.get("admin").asBoolean());
        assertEquals("session", status.get("auth_method").asText());
    }

    @Test
    void userSignsInWithOneClickAndIsNotAdmin() throws IOException {
        Browser browser = Browser.forPages();
        HttpResponse<String> home = loginWith(browser, "login-user");
        assertEquals(200, home.statusCode(), home.body());
        assertTrue(home.body().contains("<th>Groups</th><td>mlflow</td>"), home.body());
        assertTrue(home.body().contains("<th>Administrator</th><td>no</td>"), home.body());
        JsonNode status = status(browser);
        assertEquals("user", status.get("username").asText());
        assertFalse(status.get("admin").asBoolean());
    }

    @Test
    void aTypedNameSignsInWithTheChosenRole() throws IOException {
        Browser browser = Browser.forPages();
        HttpResponse<String> home = loginWith(browser, "login-custom", Map.of("username", "carol"), "admin");
        assertEquals(200, home.statusCode(), home.body());
        JsonNode status = status(browser);
        assertEquals("carol", status.get("username").asText());
        assertTrue(status.get("admin").asBoolean());
    }

    @Test
    void someoneInNoGroupIsRefusedAndGetsNoSession() throws IOException {
        Browser browser = Browser.forPages();
        HttpResponse<String> refused = loginWith(browser, "login-outsider");
        assertEquals(403, refused.statusCode(), refused.body());
        assertFalse(status(browser).get("authenticated").asBoolean());
        assertEquals(401, browser.getJson(base + "/api/experiments").statusCode());
    }

    @Test
    void anonymousApiCallGets401AndABrowserIsSentToLogin() {
        Browser browser = Browser.forPages();
        HttpResponse<String> api = browser.getJson(base + "/api/experiments");
        assertEquals(401, api.statusCode());
        assertTrue(api.body().contains("\"error\":\"unauthenticated\""), api.body());
        HttpResponse<String> page = browser.get(base + "/api/experiments?x=1");
        assertEquals(302, page.statusCode());
        assertEquals("/login?next=%2Fapi%2Fexperiments%3Fx%3D1", page.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void experimentsCanBeCreatedListedReadChangedAndDeleted() throws IOException {
        Browser browser = Browser.forPages();
        loginWith(browser, "login-user");
        String api = base + "/api/experiments";

        HttpResponse<String> created = browser.sendJson("POST", api, "{\"name\": \"  churn-model  \", \"description\": \"first try\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode experiment = json.readTree(created.body());
        String id = experiment.get("id").asText();
        assertEquals("/api/experiments/" + id, created.headers().firstValue("Location").orElseThrow());
        assertEquals("churn-model", experiment.get("name").asText(), "the name is trimmed");
        assertEquals("first try", experiment.get("description").asText());
        assertEquals("user", experiment.get("created_by").asText());
        assertEquals("application/json;charset=utf-8", created.headers().firstValue("Content-Type").orElseThrow().toLowerCase().replace(" ", ""));

        JsonNode list = json.readTree(browser.getJson(api).body()).get("experiments");
        assertTrue(list.findValuesAsText("name").contains("churn-model"), list.toString());

        HttpResponse<String> read = browser.getJson(api + "/" + id);
        assertEquals(200, read.statusCode());
        assertEquals(experiment, json.readTree(read.body()));

        HttpResponse<String> patched = browser.sendJson("PATCH", api + "/" + id, "{\"description\": \"second try\"}");
        assertEquals(200, patched.statusCode(), patched.body());
        assertEquals("churn-model", json.readTree(patched.body()).get("name").asText());
        assertEquals("second try", json.readTree(patched.body()).get("description").asText());

        HttpResponse<String> replaced = browser.sendJson("PUT", api + "/" + id, "{\"name\": \"churn-model-v2\"}");
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals("churn-model-v2", json.readTree(replaced.body()).get("name").asText());
        assertEquals("", json.readTree(replaced.body()).get("description").asText(), "PUT replaces the description too");
        assertEquals("user", json.readTree(replaced.body()).get("created_by").asText());

        assertEquals(204, browser.sendJson("DELETE", api + "/" + id, null, null).statusCode());
        assertEquals(404, browser.getJson(api + "/" + id).statusCode());
        assertEquals(404, browser.sendJson("DELETE", api + "/" + id, null, null).statusCode());
    }

    @Test
    void unknownExperimentsAre404() throws IOException {
        Browser browser = Browser.forPages();
        loginWith(browser, "login-admin");
        String api = base + "/api/experiments";
        HttpResponse<String> missing = browser.getJson(api + "/999999");
        assertEquals(404, missing.statusCode());
        assertEquals("not_found", json.readTree(missing.body()).get("error").asText());
        assertEquals(404, browser.sendJson("PATCH", api + "/999999", "{\"name\": \"x\"}").statusCode());
        assertEquals(404, browser.sendJson("PUT", api + "/999999", "{\"name\": \"x\"}").statusCode());
        assertEquals(404, browser.getJson(api + "/not-a-number").statusCode());
        assertEquals(404, browser.getJson(api + "/1/runs").statusCode());
    }

    @Test
    void badInputIsRefusedWithAClearJsonError() throws IOException {
        Browser browser = Browser.forPages();
        loginWith(browser, "login-user");
        String api = base + "/api/experiments";
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": "), "not valid JSON");
        assertBadRequest(browser.sendJson("POST", api, "{}"), "'name' is required");
        assertBadRequest(browser.sendJson("POST", api, ""), "body is empty");
        assertBadRequest(browser.sendJson("POST", api, "[\"name\"]"), "must be a JSON object");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": \"   \"}"), "non-empty string");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": 42}"), "non-empty string");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": \"" + "x".repeat(201) + "\"}"), "the limit is 200");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": \"a\\nb\"}"), "control characters");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": \"a\", \"nmae\": \"b\"}"), "Unknown field 'nmae'");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": \"a\", \"name\": \"b\"}"), "not valid JSON");
        assertBadRequest(browser.sendJson("POST", api, "{\"name\": \"a\"} {}"), "not valid JSON");

        HttpResponse<String> form = browser.sendJson("POST", api, "application/x-www-form-urlencoded", "name=a");
        assertEquals(415, form.statusCode(), form.body());
        HttpResponse<String> huge = browser.sendJson("POST", api, "{\"description\": \"" + "x".repeat(70_000) + "\"}");
        assertEquals(413, huge.statusCode(), huge.body());
        HttpResponse<String> method = browser.sendJson("DELETE", api, null, null);
        assertEquals(405, method.statusCode());
        assertEquals("GET, POST", method.headers().firstValue("Allow").orElseThrow());

        assertEquals(201, browser.sendJson("POST", api, "{\"name\": \"unique-name\"}").statusCode());
        HttpResponse<String> duplicate = browser.sendJson("POST", api, "{\"name\": \"unique-name\"}");
        assertEquals(409, duplicate.statusCode());
        assertTrue(duplicate.body().contains("already exists"), duplicate.body());
    }

    @Test
    void theHomePageEscapesWhatUsersTyped() {
        Browser browser = Browser.forPages();
        loginWith(browser, "login-user");
        assertEquals(201, browser.sendJson("POST", base + "/api/experiments", "{\"name\": \"<script>alert(1)</script>\"}").statusCode());
        HttpResponse<String> home = browser.get(base + "/");
        assertFalse(home.body().contains("<script>alert(1)"), home.body());
        assertTrue(home.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), home.body());
        assertEquals(404, browser.get(base + "/no/such/page").statusCode());
    }

    @Test
    void theIconIsPublicSoNoPageLogsA404ForIt() {
        HttpResponse<String> anonymous = new Browser().get(base + "/favicon.ico", Map.of("Accept", "image/*"));
        assertEquals(200, anonymous.statusCode(), "not sent to the IdP");
        assertEquals("image/x-icon", anonymous.headers().firstValue("Content-Type").orElse(""));

        Browser browser = Browser.forPages();
        loginWith(browser, "login-user");
        assertEquals(200, browser.get(base + "/favicon.ico", Map.of("Accept", "image/*")).statusCode());
        HttpResponse<String> script = browser.get(base + "/home.js", Map.of("Accept", "*/*"));
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"), script.headers().toString());
        assertEquals(404, browser.get(base + "/favicon.png").statusCode(), "nothing else is served as an asset");
    }

    @Test
    void healthIsPublicAndReady() {
        HttpResponse<String> ready = Browser.forPages().getJson(base + "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
    }

    @Test
    void logoutEndsTheSession() throws IOException {
        Browser browser = Browser.forPages();
        loginWith(browser, "login-user");
        assertTrue(status(browser).get("authenticated").asBoolean());
        // GET /logout only asks; its Sign out button POSTs the CSRF token.
        assertTrue(browser.get(base + "/logout").body().contains("Sign out"));
        assertTrue(status(browser).get("authenticated").asBoolean(), "a GET signs nobody out");
        List<HttpResponse<String>> chain = browser.follow(browser.signOut(base)).chain();
        // The IdP's end-session endpoint sends the browser back to the home page, which asks it to sign in again.
        String issuer = server.devIdentityProvider().orElseThrow().issuer();
        assertTrue(chain.get(1).uri().toString().startsWith(issuer + "/endsession"), chain.get(1).uri().toString());
        assertEquals(URI.create(base + "/"), chain.get(2).uri());
        assertFalse(status(browser).get("authenticated").asBoolean());
    }

    @Test
    void invalidJsonIsExplainedWithoutTheParsersClassNamesOrSettings() {
        Browser browser = Browser.forPages();
        loginWith(browser, "login-user");
        // Jackson's own messages name its classes and switches: internals no client may see.
        for (String body : List.of("{\"name\": \"a\"} {}", "{\"name\": NaN}", "{\"name\": ", "{'name': 'a'}")) {
            HttpResponse<String> response = browser.sendJson("POST", base + "/api/experiments", body);
            assertBadRequest(response, "not valid JSON");
            assertFalse(response.body().matches("(?is).*(jackson|fasterxml|Feature|REDACTED|`).*"), body + " -> " + response.body());
            assertTrue(response.body().contains("line 1, column "), body + " -> " + response.body());
        }
    }

    static void assertBadRequest(HttpResponse<String> response, String message) {
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"error\":\"invalid_request\""), response.body());
        assertTrue(response.body().contains(message), "expected '" + message + "' in " + response.body());
    }
}
