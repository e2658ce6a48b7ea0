package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UI's static files under {@code /oidc/ui/}: served to signed-in users only, with the right
 * types, caching and security headers; nothing but the fixed file names, whatever the path tricks.
 */
class UiAssetsTest {

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    StoreApp app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        op.user(TestUser.withGroups("alice", "mlflow"));
        db = Database.open(StoreSettings.embedded(dataDir));
        app = StoreApp.start(op, db, Map.of("OIDC_TRUSTED_PROXIES", "127.0.0.1, ::1"), b -> b.resourceTypes(ResourceTypes.of("experiment")));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    Browser loggedIn() {
        return StoreApps.signedIn(app.base());
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " in " + response.headers()));
    }

    @Test
    void aBrowserThatIsNotSignedInIsSentToLoginAndComesBackToTheUi() {
        Browser anonymous = new Browser();
        anonymous.defaultHeader("Accept", "text/html");
        HttpResponse<String> redirect = anonymous.get(app.base() + "/oidc/ui/");
        assertEquals(302, redirect.statusCode());
        URI login = URI.create(header(redirect, "Location"));
        assertEquals("/login", login.getPath());
        assertEquals("/oidc/ui/", ReverseProxyHeadersTest.param(login, "next"));

        Browser.Navigation after = anonymous.navigate(app.base() + "/oidc/ui/");
        assertEquals(200, after.statusCode(), after.toString());
        assertEquals(URI.create(app.base() + "/oidc/ui/"), after.last().uri(), "the login comes back to the UI");
        assertTrue(after.body().contains("Access tokens and permissions"), after.body());
    }

    @Test
    void anApiClientWithoutCredentialsGets401AndNoFile() {
        HttpResponse<String> script = new Browser().get(app.base() + "/oidc/ui/app.js");
        assertEquals(401, script.statusCode());
        assertFalse(script.body().contains("fetch("), "no part of the script without credentials");
        assertTrue(script.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.startsWith("Basic")));
    }

    @Test
    void thePageScriptAndStyleHaveTheirTypesAndHeaders() {
        Browser browser = loggedIn();
        HttpResponse<String> page = browser.get(app.base() + "/oidc/ui/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", header(page, "Content-Type"));
        assertEquals("no-store", header(page, "Cache-Control"));
        assertEquals("nosniff", header(page, "X-Content-Type-Options"));
        String csp = header(page, "Content-Security-Policy");
        assertTrue(csp.contains("script-src 'self'"), csp);
        assertTrue(csp.contains("connect-src 'self'"), csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertFalse(csp.contains("unsafe-eval"), csp);
        assertTrue(page.body().contains("<script src=\"app.js\" defer></script>"), page.body());
        assertEquals(page.body(), browser.get(app.base() + "/oidc/ui/index.html").body());

        HttpResponse<String> script = browser.get(app.base() + "/oidc/ui/app.js");
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", header(script, "Content-Type"));
        assertEquals("private, no-cache", header(script, "Cache-Control"));
        assertEquals("nosniff", header(script, "X-Content-Type-Options"));
        assertEquals(csp, header(script, "Content-Security-Policy"));
        String etag = header(script, "ETag");
        HttpResponse<String> unchanged = browser.get(app.base() + "/oidc/ui/app.js", Map.of("If-None-Match", etag));
        assertEquals(304, unchanged.statusCode());
        assertEquals("", unchanged.body());

        HttpResponse<String> style = browser.get(app.base() + "/oidc/ui/app.css");
        assertEquals(200, style.statusCode());
        assertEquals("text/css; charset=utf-8", header(style, "Content-Type"));
    }

    @Test
    void withoutTheTrailingSlashTheUiRedirectsSoRelativeAddressesResolve() {
        HttpResponse<String> redirect = loggedIn().get(app.base() + "/oidc/ui");
        assertEquals(302, redirect.statusCode());
        assertEquals("/oidc/ui/", header(redirect, "Location"));
    }

    @Test
    void behindAProxyWithAPathPrefixTheRedirectsKeepThePrefix() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/ui/"))
                .header("Accept", "text/html").header("X-Forwarded-Prefix", "/mlflow").build(), HttpResponse.BodyHandlers.ofString());
        URI login = URI.create(header(anonymous, "Location"));
        assertEquals("/mlflow/login", login.getPath());
        assertEquals("/oidc/ui/", ReverseProxyHeadersTest.param(login, "next"));

        Browser browser = loggedIn();
        HttpResponse<String> slash = browser.get(app.base() + "/oidc/ui", Map.of("X-Forwarded-Prefix", "/mlflow"));
        assertEquals("/mlflow/oidc/ui/", header(slash, "Location"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/oidc/ui/nope.js", "/oidc/ui/../api/me", "/oidc/ui/%2e%2e/api/me", "/oidc/ui/%2E%2E%2Fapi%2Fme",
            "/oidc/ui/..%2fapi/me", "/oidc/ui/./index.html", "/oidc/ui//index.html", "/oidc/ui/app.js/", "/oidc/ui/APP.JS",
            "/oidc/ui/app.js%00.html", "/oidc/ui/..\\api\\me", "/oidc/ui/index.html;.js", "/oidc/ui/sub/app.js"})
    void unknownNamesAndTraversalAttemptsAre404(String path) {
        HttpResponse<String> response = loggedIn().get(app.base() + path.replace("\\", "%5C"));
        assertEquals(404, response.statusCode(), path + ": " + response.body());
        assertFalse(response.body().contains("csrf_token"), "never the API's answer: " + response.body());
        assertFalse(response.body().contains("alice"), "nothing about the user: " + response.body());
    }

    @Test
    void onlyGetAndHeadAreAnswered() {
        Browser browser = loggedIn();
        HttpResponse<String> post = browser.send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/ui/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        HttpResponse<String> head = browser.send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/ui/app.css"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("text/css; charset=utf-8", header(head, "Content-Type"));
    }

    @Test
    void personalAccessTokensOpenTheUiToo() {
        Browser browser = loggedIn();
        String csrf = RestApiTest.json(browser.get(app.base() + "/oidc/api/me")).get("csrf_token").asText();
        HttpResponse<String> created = browser.send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me/token"))
                .header("X-OIDC-SSO-CSRF", csrf).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, created.statusCode(), created.body());
        String token = RestApiTest.json(created).get("token").asText();
        HttpResponse<String> page = new Browser().get(app.base() + "/oidc/ui/", Map.of("Authorization", Browser.basicAuthorization("alice", token)));
        assertEquals(200, page.statusCode());
    }

    @Test
    void withoutADatabaseThereIsNoUi() throws Exception {
        OidcSettings settings = StoreApps.settings(op, Map.of());
        try (OidcSso bare = OidcSso.create(settings)) {
            HttpServer plain = DemoApps.jdkApp(bare);
            try {
                HttpResponse<String> response = new Browser().get(DemoApps.baseUrl(plain) + "/oidc/ui/");
                assertEquals(404, response.statusCode());
                assertTrue(response.body().contains("user database"), response.body());
            } finally {
                plain.stop(0);
            }
        }
    }

    /** Addresses in the files must be relative, or a reverse proxy's path prefix would be lost. */
    @Test
    void theFilesUseOnlyRelativeAddressesAndNoInlineScriptOrStyle() throws IOException {
        String page = resource("index.html");
        Matcher addresses = Pattern.compile("(?:href|src|action)=\"([^\"]*)\"").matcher(page);
        int found = 0;
        while (addresses.find()) {
            String address = addresses.group(1);
            found++;
            assertFalse(address.startsWith("/") || address.contains("://"), "absolute address in index.html: " + address);
        }
        assertTrue(found >= 4, "the page links its script, style and the application");
        Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(page);
        while (scripts.find()) {
            assertTrue(scripts.group(1).contains("src=\""), "no inline script: " + scripts.group());
        }
        assertFalse(page.contains("<style"), "no inline style");
        assertFalse(page.contains(" style=\""), "no style attributes");
        assertFalse(Pattern.compile("\\son[a-z]+=\"").matcher(page).find(), "no inline event handlers");

        String script = resource("app.js");
        assertFalse(script.contains("'/oidc/"), "no root-absolute API address in app.js");
        assertFalse(script.contains("http://") || script.contains("https://"), "nothing fetched from elsewhere");
        assertFalse(script.contains("innerHTML"), "text goes in through textContent");
        assertFalse(script.contains("eval("), "no eval");
        assertFalse(resource("app.css").contains("@import") || resource("app.css").contains("url("), "no external style");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = UiAssets.class.getResourceAsStream("/dev/oidcsso/ui/" + name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
