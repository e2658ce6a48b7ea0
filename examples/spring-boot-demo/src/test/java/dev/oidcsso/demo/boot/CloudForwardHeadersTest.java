package dev.oidcsso.demo.boot;

import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Kubernetes (and other cloud platforms) Spring Boot lets the container rewrite the peer address
 * from {@code X-Forwarded-For} unless told otherwise; Tomcat then believes it from any private
 * address. oidc-sso checks {@code OIDC_TRUSTED_PROXIES} against the peer address, so the starter
 * must keep the container out of it, and refuse an application that asks for it while trusting proxies.
 */
class CloudForwardHeadersTest {

    @TempDir
    static Path data;

    private static TestProvider op;
    private static ConfigurableApplicationContext context;
    private static String base;

    @BeforeAll
    static void start() {
        op = TestProvider.start();
        context = trustingAProxyOnKubernetes();
        base = BootApps.base(context);
    }

    private static ConfigurableApplicationContext trustingAProxyOnKubernetes(String... more) {
        String[] arguments = new String[more.length + 3];
        // As Spring Boot detects it from the KUBERNETES_SERVICE_* variables.
        arguments[0] = "--spring.main.cloud-platform=kubernetes";
        arguments[1] = "--OIDC_AUTH_MODE=trusted-header,oidc";
        arguments[2] = "--OIDC_TRUSTED_PROXIES=10.0.1.10";
        System.arraycopy(more, 0, arguments, 3, more.length);
        return BootApps.start(op, data, arguments);
    }

    @AfterAll
    static void stop() {
        BootApps.stop(context, op);
    }

    @Test
    void aClientNamingTheTrustedProxyInXForwardedForIsNotBelievedForTheIdentityHeaders() {
        Map<String, String> identity = new HashMap<>(Map.of("Accept", "application/json", "X-Forwarded-User", "mallory",
                "X-Forwarded-Groups", "mlflow-admin"));
        HttpResponse<String> direct = new Browser().get(base + "/auth/status", identity);
        assertTrue(direct.body().contains("\"authenticated\":false"), direct.body());

        identity.put("X-Forwarded-For", "10.0.1.10");
        HttpResponse<String> spoofed = new Browser().get(base + "/auth/status", identity);
        assertEquals(200, spoofed.statusCode());
        assertTrue(spoofed.body().contains("\"authenticated\":false") && !spoofed.body().contains("mallory"),
                "the peer address is still the client's own: " + spoofed.body());
    }

    @Test
    void anApplicationAskingTheContainerToRewriteThePeerAddressWhileTrustingProxiesIsRefusedAtStart() {
        // Tomcat's remoteip headers install the RemoteIpValve whatever the strategy says.
        for (String setting : new String[] {"server.forward-headers-strategy=native", "server.forward-headers-strategy=framework",
                "server.tomcat.remoteip.remote-ip-header=X-Forwarded-For", "server.tomcat.remoteip.protocol-header=X-Forwarded-Proto"}) {
            Exception refused = assertThrows(Exception.class, () -> trustingAProxyOnKubernetes("--" + setting).close(), setting);
            Throwable root = BootApps.rootCause(refused);
            assertTrue(root.getMessage().contains(setting) && root.getMessage().contains("OIDC_TRUSTED_PROXIES"), root.getMessage());
        }
    }

    /**
     * Without trusted proxies oidc-sso believes no forwarding header, so nothing can be laundered into
     * trust, and the starter leaves Boot's cloud default alone: an application behind a TLS-terminating
     * ingress still learns it is served over https (redirect URI, Secure cookies), as before the starter.
     */
    @Test
    void withoutTrustedProxiesBootsOwnForwardingStillTellsTheApplicationItIsBehindHttps() {
        try (ConfigurableApplicationContext plain = BootApps.start(op, data, "--spring.main.cloud-platform=kubernetes")) {
            String url = BootApps.base(plain);
            HttpResponse<String> login = new Browser().get(url + "/login", Map.of("Accept", "text/html", "X-Forwarded-Proto", "https",
                    "X-Forwarded-For", "203.0.113.9"));
            String location = login.headers().firstValue("Location").orElse("");
            assertTrue(location.contains("redirect_uri=https"), location);
            assertTrue(String.join(" | ", login.headers().allValues("Set-Cookie")).contains("Secure"), login.headers().toString());
        }
    }
}
