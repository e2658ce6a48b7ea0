package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.testing.TestProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forwarding and identity headers count only from trusted proxies. The test client connects from
 * 127.0.0.1, so trusting 127.0.0.1 makes it the proxy, and trusting 10.0.0.0/8 makes it a stranger.
 */
class ReverseProxyHeadersTest {

    TestProvider op;
    OidcSso sso;
    HttpServer app;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    void start(Consumer<OidcSettings.Builder> extra) throws IOException {
        op = TestProvider.start();
        OidcSettings.Builder settings = OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY);
        extra.accept(settings);
        sso = OidcSso.create(settings.build());
        app = DemoApps.jdkApp(sso);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop(0);
        }
        if (sso != null) {
            sso.close();
        }
        if (op != null) {
            op.close();
        }
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(DemoApps.baseUrl(app) + path)).header("Accept", "text/html");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String param(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " not in " + uri);
    }

    static final String[] PROXY_HEADERS = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "tracking.example.com",
            "X-Forwarded-Prefix", "/mlflow"};

    @Test
    void trustedProxyDecidesTheOutsideUrlOfRedirectsAndCookies() throws Exception {
        start(s -> s.set("OIDC_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1, ::1"));
        HttpResponse<String> login = get("/login?next=/runs", PROXY_HEADERS);
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertEquals("https://tracking.example.com/mlflow/callback", param(authorize, "redirect_uri"));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        // https outside: a __Host- cookie, which the browser only accepts with Path=/ and Secure.
        assertTrue(cookie.startsWith("__Host-oidc_sso_login_"), cookie);
        assertTrue(cookie.contains("; Path=/;"), cookie);
        assertTrue(cookie.endsWith("; Secure"), cookie);

        HttpResponse<String> challenge = get("/runs", PROXY_HEADERS);
        assertEquals("/mlflow/login?next=%2Fruns", challenge.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void standardForwardedHeaderIsUnderstood() throws Exception {
        start(s -> s.set("OIDC_TRUSTED_PROXIES", "127.0.0.1"));
        HttpResponse<String> login = get("/login", "Forwarded", "for=192.0.2.60;proto=https;host=\"app.example.com:8443\", for=10.0.0.1");
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertEquals("https://app.example.com:8443/callback", param(authorize, "redirect_uri"));
    }

    @Test
    void onlyTheConfiguredHeaderFamilyCounts() throws Exception {
        start(s -> s.set("OIDC_TRUSTED_PROXIES", "127.0.0.1").set("OIDC_FORWARDED_HEADERS", "x-forwarded"));
        // The proxy sets X-Forwarded-*; a Forwarded header the client slipped through is ignored.
        HttpResponse<String> login = get("/login", "Forwarded", "proto=https;host=evil.example",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "tracking.example.com");
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertEquals("https://tracking.example.com/callback", param(authorize, "redirect_uri"));
    }

    @Test
    void spoofedHeadersFromAStrangerChangeNothing() throws Exception {
        start(s -> s.set("OIDC_TRUSTED_PROXIES", "10.0.0.0/8"));
        HttpResponse<String> login = get("/login", PROXY_HEADERS);
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertEquals(DemoApps.baseUrl(app) + "/callback", param(authorize, "redirect_uri"));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("; Path=/;"), cookie);
        assertFalse(cookie.contains("Secure"), cookie);
    }

    @Test
    void garbageForwardingValuesAreIgnored() throws Exception {
        start(s -> s.set("OIDC_TRUSTED_PROXIES", "127.0.0.1"));
        HttpResponse<String> login = get("/login", "X-Forwarded-Proto", "javascript", "X-Forwarded-Host", "evil.example/path?x",
                "X-Forwarded-Prefix", "/../admin");
        URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertEquals(DemoApps.baseUrl(app) + "/callback", param(authorize, "redirect_uri"));
    }

    @Test
    void configuredRedirectUriWinsOverForwardedHeaders() throws Exception {
        start(s -> s.set("OIDC_TRUSTED_PROXIES", "127.0.0.1").set("OIDC_REDIRECT_URI", "https://fixed.example.com/cb"));
        URI authorize = URI.create(get("/login", PROXY_HEADERS).headers().firstValue("Location").orElseThrow());
        assertEquals("https://fixed.example.com/cb", param(authorize, "redirect_uri"));
    }

    @Test
    void trustedHeaderModeAdmitsProxyUsersByTheirGroups() throws Exception {
        start(s -> s.set("OIDC_AUTH_MODE", "trusted-header,oidc").set("OIDC_TRUSTED_PROXIES", "127.0.0.1"));
        HttpResponse<String> admin = get("/experiments", "X-Forwarded-User", "root", "X-Forwarded-Groups", "mlflow-admin, ops");
        assertEquals("hello root (admin) via trusted_header at /experiments", admin.body());
        HttpResponse<String> byEmail = get("/auth/status", "X-Forwarded-Email", "ann@example.com", "X-Forwarded-Groups", "mlflow");
        assertEquals("{\"authenticated\":true,\"username\":\"ann@example.com\",\"groups\":[\"mlflow\"],\"admin\":false,"
                + "\"auth_method\":\"trusted_header\"}", byEmail.body());
        HttpResponse<String> outsider = get("/experiments", "X-Forwarded-User", "eve", "X-Forwarded-Groups", "sales");
        assertEquals(403, outsider.statusCode());
        HttpResponse<String> nobody = get("/experiments");
        assertEquals(302, nobody.statusCode(), "without proxy headers, the browser can still log in through OIDC");
    }

    @Test
    void groupsSentAsOneHeaderLineEachAllCount() throws Exception {
        // oauth2-proxy's --pass-user-headers adds one X-Forwarded-Groups line per group.
        start(s -> s.set("OIDC_AUTH_MODE", "trusted-header,oidc").set("OIDC_TRUSTED_PROXIES", "127.0.0.1"));
        HttpResponse<String> status = get("/auth/status", "X-Forwarded-User", "root",
                "X-Forwarded-Groups", "ops", "X-Forwarded-Groups", "mlflow-admin, sre", "X-Forwarded-Groups", "ops");
        assertEquals("{\"authenticated\":true,\"username\":\"root\",\"groups\":[\"ops\",\"mlflow-admin\",\"sre\"],\"admin\":true,"
                + "\"auth_method\":\"trusted_header\"}", status.body());
    }

    @Test
    void identityHeadersFromAStrangerAreIgnored() throws Exception {
        start(s -> s.set("OIDC_AUTH_MODE", "trusted-header,oidc").set("OIDC_TRUSTED_PROXIES", "10.0.0.1"));
        HttpResponse<String> spoofed = get("/auth/status", "X-Forwarded-User", "root", "X-Forwarded-Groups", "mlflow-admin");
        assertTrue(spoofed.body().contains("\"authenticated\":false"), spoofed.body());
    }

    @Test
    void proxyOnlyModeNeedsNoIdpAndSendsNoOneToLogin() throws Exception {
        sso = OidcSso.create(OidcSettings.builder().set("OIDC_AUTH_MODE", "trusted-header")
                .set("OIDC_TRUSTED_PROXIES", "127.0.0.1").set("OIDC_TRUSTED_HEADER_USER", "X-Auth-Request-User").build());
        app = DemoApps.jdkApp(sso);
        assertEquals(200, get("/health/ready").statusCode());
        assertEquals("hello kim via trusted_header at /", get("/", "X-Auth-Request-User", "kim", "X-Forwarded-Groups", "mlflow").body());
        assertEquals(401, get("/").statusCode());
        assertEquals(404, get("/login").statusCode());
    }

    @Test
    void jdkHandlersLearnTheOutsideBaseUrlForTheirLinks() throws Exception {
        sso = OidcSso.create(OidcSettings.builder().set("OIDC_AUTH_MODE", "trusted-header")
                .set("OIDC_TRUSTED_PROXIES", "127.0.0.1").set("OIDC_PUBLIC_PATHS", "/").build());
        app = HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = OidcSsoHttpFilter.baseUri(exchange).map(URI::toString).orElse("none")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }).getFilters().add(new OidcSsoHttpFilter(sso));
        app.start();
        assertEquals("https://tracking.example.com/mlflow", get("/", PROXY_HEADERS).body());
        assertEquals(DemoApps.baseUrl(app), get("/").body());
    }

    @Test
    void trustedHeaderModeWithoutProxiesIsRefusedAtStart() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder().set("OIDC_AUTH_MODE", "trusted-header").build());
        assertTrue(e.problems().get(0).contains("OIDC_TRUSTED_PROXIES is empty"), e.getMessage());
        SettingsException bad = assertThrows(SettingsException.class, () -> OidcSettings.builder().set("OIDC_AUTH_MODE", "trusted-header")
                .set("OIDC_TRUSTED_PROXIES", "proxy.internal, 10.0.0.0/33").build());
        assertEquals(3, bad.problems().size(), bad.getMessage()); // two unusable entries leave the list empty
    }
}
