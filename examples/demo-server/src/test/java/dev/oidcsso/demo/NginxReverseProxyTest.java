package dev.oidcsso.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.demo.e2e.HeadlessChromium;
import dev.oidcsso.demo.e2e.ScreenshotOnFailure;
import dev.oidcsso.demo.e2e.TestOutput;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.FreePort;
import dev.oidcsso.testing.RecordedRequest;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server behind a real nginx on loopback, the way it is deployed: nginx terminates TLS
 * with a certificate made in the test and publishes the application under a path prefix.
 *
 * <ul>
 *   <li>{@code https://localhost:<port>/mlflow/} proxies to a demo server that does the OIDC login
 *       itself, against {@link TestProvider}, which only accepts registered redirect URIs: the
 *       login works only if the framework sends the outside URL.</li>
 *   <li>{@code https://localhost:<port>/tracking/} proxies to a demo server in
 *       {@code trusted-header,oidc} mode; nginx asks a stand-in for oauth2-proxy with
 *       {@code auth_request} (the documented integration) and forwards the identity it returns.</li>
 * </ul>
 *
 * <p>Both demo servers trust only {@value #PROXY_ADDRESS}, and nginx connects to them from that
 * address ({@code proxy_bind}); the test's own client connects from 127.0.0.1. On Linux all of
 * 127.0.0.0/8 is local, so one machine has a trusted proxy and an untrusted client at once, and
 * each test can check both sides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NginxReverseProxyTest {

    /** The source address of nginx's connections to the applications, the only trusted one. */
    static final String PROXY_ADDRESS = "127.0.0.2";
    /** The cookie oauth2-proxy keeps its session in; the stand-in maps two fixed values to users. */
    static final String PROXY_SESSION_COOKIE = "_oauth2_proxy";

    final ObjectMapper json = new ObjectMapper();
    TestProvider op;
    DemoServer oidcApp;
    DemoServer headerApp;
    NginxProcess nginx;
    SelfSignedCertificate certificate;
    String outside;
    Browser browser;
    HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    @BeforeAll
    void start(@TempDir Path directory) throws IOException, GeneralSecurityException {
        if (NginxProcess.find().isEmpty()) {
            return; // each test then skips (or fails in CI) with instructions, visible in the report
        }
        try {
            int httpsPort = FreePort.find();
            int authPort = FreePort.find();
            outside = "https://localhost:" + httpsPort;

            op = TestProvider.start()
                    .registerRedirectUri(outside + "/mlflow/callback")
                    .registerPostLogoutRedirectUri(outside + "/mlflow/")
                    .registerRedirectUri(outside + "/tracking/callback");
            Map<String, String> environment = new HashMap<>(Map.of(
                    "OIDC_DISCOVERY_URL", op.discoveryUrl().toString(),
                    "OIDC_CLIENT_ID", op.clientId(),
                    "OIDC_CLIENT_SECRET", op.clientSecret(),
                    "SECRET_KEY", randomKey(),
                    "OIDC_TRUSTED_PROXIES", PROXY_ADDRESS));
            // Each application keeps its data apart, in the test's own folder, never in the work tree.
            environment.put("OIDC_DATA_DIR", directory.resolve("oidc-app-data").toString());
            oidcApp = DemoServer.builder().environment(environment).host("127.0.0.1").port(0).build();
            oidcApp.start();
            environment.put("OIDC_DATA_DIR", directory.resolve("header-app-data").toString());
            environment.put("OIDC_AUTH_MODE", "trusted-header,oidc");
            headerApp = DemoServer.builder().environment(environment).host("127.0.0.1").port(0).build();
            headerApp.start();

            certificate = SelfSignedCertificate.create(directory);
            nginx = NginxProcess.start(directory, nginxConfig(httpsPort, authPort), List.of(httpsPort, authPort));
        } catch (IOException | GeneralSecurityException | RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    void stop() {
        // Each in its own step, so one failure cannot leave the others running.
        if (nginx != null) {
            nginx.close();
        }
        if (headerApp != null) {
            headerApp.stop();
        }
        if (oidcApp != null) {
            oidcApp.stop();
        }
        if (op != null) {
            op.close();
        }
    }

    @BeforeEach
    void freshBrowser() throws GeneralSecurityException {
        NginxProcess.require();
        browser = Browser.forPages(certificate.clientContext());
        op.user(TestUser.alice());
        op.clearRequests();
    }

    /**
     * The nginx {@code http} block: the same settings as the README's reverse-proxy section, with ports filled in
     * and the oauth2-proxy stand-in added.
     */
    private String nginxConfig(int httpsPort, int authPort) {
        String overwrite = String.join("\n",
                // Every forwarding header is set, not appended: whatever the client sent is gone.
                "    proxy_set_header Host $host;",
                "    proxy_set_header X-Forwarded-Proto $scheme;",
                "    proxy_set_header X-Forwarded-Host $host;",
                "    proxy_set_header X-Forwarded-Port $server_port;",
                "    proxy_set_header X-Forwarded-For $remote_addr;",
                // An empty value removes the header; the framework reads Forwarded before X-Forwarded-*.
                "    proxy_set_header Forwarded \"\";",
                "    proxy_redirect off;",
                "    proxy_bind " + PROXY_ADDRESS + ";");
        return String.join("\n",
                // The oauth2-proxy stand-in: a session cookie value stands for a signed-in user.
                "  map $cookie_" + PROXY_SESSION_COOKIE + " $stub_user { default \"\"; user-ticket ursula; admin-ticket ada; }",
                "  map $cookie_" + PROXY_SESSION_COOKIE + " $stub_email { default \"\"; user-ticket ursula@example.test; admin-ticket ada@example.test; }",
                "  map $cookie_" + PROXY_SESSION_COOKIE + " $stub_groups { default \"\"; user-ticket mlflow; admin-ticket \"mlflow-admin,mlflow\"; }",
                "  server {",
                "    listen 127.0.0.1:" + authPort + ";",
                "    location = /oauth2/auth {",
                "      if ($stub_user = \"\") { return 401; }",
                "      add_header X-Auth-Request-User $stub_user always;",
                "      add_header X-Auth-Request-Email $stub_email always;",
                "      add_header X-Auth-Request-Groups $stub_groups always;",
                "      return 202;",
                "    }",
                "  }",
                "  server {",
                "    listen 127.0.0.1:" + httpsPort + " ssl;",
                "    server_name localhost;",
                "    ssl_certificate " + certificate.certificatePem() + ";",
                "    ssl_certificate_key " + certificate.privateKeyPem() + ";",
                "    location = /mlflow { return 301 /mlflow/; }",
                "    location /mlflow/ {",
                // The trailing slash strips /mlflow: the application is served at its root.
                "      proxy_pass http://127.0.0.1:" + oidcApp.port() + "/;",
                overwrite,
                "      proxy_set_header X-Forwarded-Prefix /mlflow;",
                // This application does its own login: no identity header may reach it.
                "      proxy_set_header X-Forwarded-User \"\";",
                "      proxy_set_header X-Forwarded-Email \"\";",
                "      proxy_set_header X-Forwarded-Groups \"\";",
                "    }",
                "    location = /oauth2/auth {",
                "      internal;",
                "      proxy_pass http://127.0.0.1:" + authPort + ";",
                "      proxy_pass_request_body off;",
                "      proxy_set_header Content-Length \"\";",
                "    }",
                "    location /tracking/ {",
                "      auth_request /oauth2/auth;",
                "      auth_request_set $auth_user $upstream_http_x_auth_request_user;",
                "      auth_request_set $auth_email $upstream_http_x_auth_request_email;",
                "      auth_request_set $auth_groups $upstream_http_x_auth_request_groups;",
                "      proxy_pass http://127.0.0.1:" + headerApp.port() + "/;",
                overwrite,
                "      proxy_set_header X-Forwarded-Prefix /tracking;",
                "      proxy_set_header X-Forwarded-User $auth_user;",
                "      proxy_set_header X-Forwarded-Email $auth_email;",
                "      proxy_set_header X-Forwarded-Groups $auth_groups;",
                "    }",
                "  }");
    }

    // ------------------------------------------------------------------ OIDC login through TLS and a prefix

    @Test
    void oidcLoginThroughTheProxyUsesTheOutsideUrlEverywhere() throws IOException {
        List<HttpResponse<String>> chain = browser.navigate(outside + "/mlflow/").chain();
        String hops = chain.stream().map(r -> r.statusCode() + " " + r.uri()).toList().toString();
        assertEquals(5, chain.size(), hops);

        assertEquals("/mlflow/login?next=%2F", location(chain.get(0)), "the challenge stays under the prefix");

        HttpResponse<String> login = chain.get(1);
        URI authorize = URI.create(location(login));
        assertEquals(outside + "/mlflow/callback", param(authorize, "redirect_uri"));
        // https outside: __Host- cookies, which browsers accept only with Path=/ and Secure.
        String loginCookie = setCookie(login, "__Host-oidc_sso_login_");
        assertTrue(loginCookie.contains("; Path=/;") && loginCookie.contains("; Secure"), loginCookie);

        RecordedRequest atIdp = op.lastRequest(op.authorizationEndpoint().getPath()).orElseThrow();
        assertEquals(Optional.of(outside + "/mlflow/callback"), atIdp.queryParam("redirect_uri"), "what the IdP received");
        assertEquals(Optional.of(outside + "/mlflow/callback"), op.lastRequest(op.tokenEndpoint().getPath()).orElseThrow()
                .formParam("redirect_uri"), "the code exchange repeats the outside redirect URI");

        HttpResponse<String> callback = chain.get(3);
        assertTrue(callback.uri().toString().startsWith(outside + "/mlflow/callback?"), callback.uri().toString());
        assertEquals("/mlflow/", location(callback), "the post-login redirect lands under the prefix");
        String session = setCookie(callback, "__Host-oidc_sso_session");
        assertTrue(session.contains("; Path=/;"), session);
        assertTrue(session.contains("; Secure"), session);
        assertTrue(session.contains("; HttpOnly"), session);

        HttpResponse<String> home = chain.get(4);
        assertEquals(200, home.statusCode(), home.body());
        assertTrue(home.body().contains("<th>User</th><td>alice</td>"), home.body());
        for (String link : List.of("/mlflow/api/experiments", "/mlflow/auth/status", "/mlflow/logout")) {
            assertTrue(home.body().contains("href=\"" + link + "\""), "link " + link + " in " + home.body());
        }

        HttpResponse<String> created = browser.sendJson("POST", outside + "/mlflow/api/experiments", "{\"name\": \"behind-nginx\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(location(created).startsWith("/mlflow/api/experiments/"), location(created));
        assertEquals("alice", json.readTree(created.body()).get("created_by").asText());

        HttpResponse<String> logout = browser.signOut(outside + "/mlflow");
        URI endSession = URI.create(location(logout));
        assertTrue(endSession.toString().startsWith(op.endSessionEndpoint().toString()), endSession.toString());
        assertEquals(outside + "/mlflow/", param(endSession, "post_logout_redirect_uri"));
        String ended = setCookie(logout, "__Host-oidc_sso_session");
        assertTrue(ended.contains("; Path=/;") && ended.contains("Max-Age=0") && ended.contains("; Secure"), ended);

        List<HttpResponse<String>> after = browser.navigate(endSession.toString()).chain();
        assertEquals(URI.create(outside + "/mlflow/"), after.get(1).uri(), "the IdP sends the browser back to the outside URL");
        assertEquals("/mlflow/login?next=%2F", location(after.get(1)), "signed out");
    }

    @Test
    void forwardingHeadersFromTheClientAreOverwrittenByTheProxy() {
        Map<String, String> spoofed = Map.of(
                "X-Forwarded-Proto", "http",
                "X-Forwarded-Host", "evil.example",
                "X-Forwarded-Port", "81",
                "X-Forwarded-Prefix", "/evil",
                "Forwarded", "proto=http;host=evil.example");
        HttpResponse<String> login = browser.get(outside + "/mlflow/login", spoofed);
        assertEquals(outside + "/mlflow/callback", param(URI.create(location(login)), "redirect_uri"));
        String cookie = setCookie(login, "__Host-oidc_sso_login_");
        assertTrue(cookie.contains("; Path=/;") && cookie.contains("; Secure"), cookie);
    }

    @Test
    void theBarePrefixIsRedirectedToTheApplication() {
        assertEquals(301, browser.get(outside + "/mlflow").statusCode());
        assertTrue(location(browser.get(outside + "/mlflow")).endsWith("/mlflow/"));
    }

    // ------------------------------------------------------------------ the UI in a real browser under the prefix

    @Test
    @ExtendWith(HeadlessChromium.Required.class)
    void theUiWorksInABrowserUnderThePrefixAndItsTokenThroughTheProxy() throws IOException {
        chromium = HeadlessChromium.launch(TestOutput.directory("chromium"), List.of("--ignore-certificate-errors"));
        try {
            WebDriver driver = chromium.driver();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            driver.get(outside + "/mlflow/oidc/ui/");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready='true']")));
            assertEquals(outside + "/mlflow/oidc/ui/", driver.getCurrentUrl(), "the login came back under the prefix");
            assertEquals("alice", driver.findElement(By.id("me-username")).getText());
            assertEquals("", driver.findElement(By.id("status")).getText(), "no error loading through the proxy");
            assertEquals(outside + "/mlflow/", driver.findElement(By.id("nav-home")).getDomProperty("href"));

            // A state change from the page: CSRF token and same-origin checks pass through nginx.
            wait.until(ExpectedConditions.elementToBeClickable(By.id("token-generate"))).click();
            String token = wait.until(d -> {
                List<WebElement> inputs = d.findElements(By.id("new-token-value"));
                return inputs.isEmpty() ? null : inputs.get(0).getDomProperty("value");
            });
            HttpResponse<String> experiments = browser.get(outside + "/mlflow/api/experiments", Map.of("Accept", "application/json",
                    "Authorization", "Basic " + Base64.getEncoder().encodeToString(("alice:" + token).getBytes(StandardCharsets.UTF_8))));
            assertEquals(200, experiments.statusCode(), experiments.body());
        } finally {
            chromium.close();
            chromium = null;
        }
    }

    // ------------------------------------------------------------------ identity headers from the proxy

    @Test
    void trustedHeaderUsersReachTheApiWithTheirRole() throws IOException {
        JsonNode user = status(outside + "/tracking/auth/status", Map.of("Cookie", PROXY_SESSION_COOKIE + "=user-ticket"));
        assertTrue(user.get("authenticated").asBoolean(), user.toString());
        assertEquals("ursula", user.get("username").asText());
        assertFalse(user.get("admin").asBoolean());
        assertEquals("trusted_header", user.get("auth_method").asText());

        JsonNode admin = status(outside + "/tracking/auth/status", Map.of("Cookie", PROXY_SESSION_COOKIE + "=admin-ticket"));
        assertEquals("ada", admin.get("username").asText());
        assertTrue(admin.get("admin").asBoolean(), admin.toString());
        assertEquals("trusted_header", admin.get("auth_method").asText());

        HttpResponse<String> experiments = browser.get(outside + "/tracking/api/experiments",
                Map.of("Accept", "application/json", "Cookie", PROXY_SESSION_COOKIE + "=user-ticket"));
        assertEquals(200, experiments.statusCode(), experiments.body());
        assertTrue(json.readTree(experiments.body()).has("experiments"), experiments.body());

        HttpResponse<String> home = browser.get(outside + "/tracking/", Map.of("Cookie", PROXY_SESSION_COOKIE + "=admin-ticket"));
        assertEquals(200, home.statusCode(), home.body());
        assertTrue(home.body().contains("<th>Signed in with</th><td>trusted_header</td>"), home.body());
        assertTrue(home.body().contains("href=\"/tracking/api/experiments\""), home.body());
        assertTrue(browser.cookies().get("oidc_sso_session").isEmpty() && browser.cookies().get("__Host-oidc_sso_session").isEmpty(),
                "proxy users get no session cookie of the framework");
    }

    @Test
    void identityHeadersFromTheClientCannotOutrankTheProxy() throws IOException {
        Map<String, String> headers = Map.of("Cookie", PROXY_SESSION_COOKIE + "=user-ticket",
                "X-Forwarded-User", "ada", "X-Forwarded-Email", "ada@example.test", "X-Forwarded-Groups", "mlflow-admin");
        JsonNode status = status(outside + "/tracking/auth/status", headers);
        assertEquals("ursula", status.get("username").asText(), status.toString());
        assertFalse(status.get("admin").asBoolean(), status.toString());

        HttpResponse<String> noProxySession = browser.get(outside + "/tracking/auth/status",
                Map.of("Accept", "application/json", "X-Forwarded-User", "ada", "X-Forwarded-Groups", "mlflow-admin"));
        assertEquals(401, noProxySession.statusCode(), "nginx refuses without the proxy's own login");

        JsonNode throughOidcLocation = status(outside + "/mlflow/auth/status",
                Map.of("X-Forwarded-User", "ada", "X-Forwarded-Groups", "mlflow-admin"));
        assertFalse(throughOidcLocation.get("authenticated").asBoolean(), throughOidcLocation.toString());
    }

    // ------------------------------------------------------------------ the same headers, not from the proxy

    @Test
    void forwardingHeadersSentDirectlyChangeNothing() {
        Browser direct = Browser.forPages();
        String base = "http://127.0.0.1:" + oidcApp.port();
        Map<String, String> spoofed = Map.of(
                "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "localhost:" + URI.create(outside).getPort(),
                "X-Forwarded-Port", String.valueOf(URI.create(outside).getPort()),
                "X-Forwarded-Prefix", "/mlflow");
        HttpResponse<String> login = direct.get(base + "/login", spoofed);
        assertEquals(base + "/callback", param(URI.create(location(login)), "redirect_uri"));
        String cookie = setCookie(login, "oidc_sso_login_");
        assertTrue(cookie.contains("; Path=/;"), cookie);
        assertFalse(cookie.contains("Secure"), cookie);

        HttpResponse<String> rfc7239 = direct.get(base + "/login", Map.of("Forwarded", "proto=https;host=evil.example"));
        assertEquals(base + "/callback", param(URI.create(location(rfc7239)), "redirect_uri"));

        assertEquals("/login?next=%2F", location(direct.get(base + "/", spoofed)), "no prefix in the challenge");
    }

    @Test
    void identityHeadersSentDirectlyLogNobodyIn() throws IOException {
        Browser direct = Browser.forPages();
        String base = "http://127.0.0.1:" + headerApp.port();
        Map<String, String> spoofed = Map.of("Accept", "application/json",
                "X-Forwarded-User", "ada", "X-Forwarded-Email", "ada@example.test", "X-Forwarded-Groups", "mlflow-admin");
        HttpResponse<String> status = direct.get(base + "/auth/status", spoofed);
        assertFalse(json.readTree(status.body()).get("authenticated").asBoolean(), status.body());
        assertEquals(401, direct.get(base + "/api/experiments", spoofed).statusCode());
        assertEquals(401, direct.get("http://127.0.0.1:" + oidcApp.port() + "/api/experiments", spoofed).statusCode());
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode status(String url, Map<String, String> headers) throws IOException {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Accept", "application/json");
        HttpResponse<String> response = browser.get(url, all);
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location on " + response.statusCode() + " " + response.uri()));
    }

    private static String setCookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=") || (name.endsWith("_") && c.startsWith(name))).findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name + " in " + response.headers().allValues("Set-Cookie")));
    }

    private static String param(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " not in " + uri);
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
