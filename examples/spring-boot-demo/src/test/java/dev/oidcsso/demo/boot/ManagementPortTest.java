package dev.oidcsso.demo.boot;

import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The actuator on a port of its own ({@code management.server.port}): Spring Boot serves it from a
 * child context with its own servlet context, where the application's filters are not registered.
 * The management port must need the same login as the main port, and let the same public paths
 * (the probes) through.
 */
class ManagementPortTest {

    @TempDir
    static Path data;

    private static TestProvider op;
    private static ConfigurableApplicationContext context;
    private static String base;
    private static String management;

    @BeforeAll
    static void start() {
        op = TestProvider.start();
        context = BootApps.start(op, data, "--management.server.port=0", "--management.server.address=127.0.0.1");
        base = BootApps.base(context);
        op.registerRedirectUri(base + "/callback");
        String port = context.getEnvironment().getProperty("local.management.port");
        assertNotNull(port, "a separate management server was started");
        management = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        BootApps.stop(context, op);
    }

    @Test
    void theActuatorOnItsOwnPortNeedsALoginAsOnTheMainPort() {
        Map<String, String> json = Map.of("Accept", "application/json");
        assertEquals(401, new Browser().get(base + "/actuator/metrics", json).statusCode(), "main port");
        HttpResponse<String> anonymous = new Browser().get(management + "/actuator/metrics", json);
        assertEquals(401, anonymous.statusCode(), "management port: " + anonymous.body());
        assertTrue(!anonymous.body().contains("oidcsso."), "no metric is named to an anonymous caller: " + anonymous.body());
    }

    @Test
    void theProbesStayPublicAndASignedInUserReachesTheActuatorOnItsOwnPort() {
        HttpResponse<String> health = new Browser().get(management + "/actuator/health", Map.of("Accept", "application/json"));
        assertEquals(200, health.statusCode(), "OIDC_PUBLIC_PATHS apply on the management port: " + health.body());

        op.user(TestUser.alice());
        Browser browser = new Browser();
        Browser.Navigation login = browser.navigate(base + "/login?next=/api/me");
        assertEquals(200, login.statusCode(), login.toString());
        // The session cookie is the host's, for every port; the management server knows the session as the main one does.
        HttpResponse<String> metrics = browser.get(management + "/actuator/metrics", Map.of("Accept", "application/json"));
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.body().contains("oidcsso."), metrics.body());
    }
}
