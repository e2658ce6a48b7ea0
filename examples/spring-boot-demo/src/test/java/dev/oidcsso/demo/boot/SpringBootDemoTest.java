package dev.oidcsso.demo.boot;

import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceType;
import dev.oidcsso.observe.MicrometerSsoEvents;
import dev.oidcsso.store.Store;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
 * The demo as a real Spring Boot application (embedded Tomcat on 127.0.0.1, a free port) signed in
 * through a real OpenID provider (the in-process {@link TestProvider}).
 */
class SpringBootDemoTest {

    @TempDir
    static Path data;

    private static TestProvider op;
    private static ConfigurableApplicationContext context;
    private static String base;

    @BeforeAll
    static void start() {
        op = TestProvider.start();
        // Command-line arguments: above application.properties, as a deployment's would be.
        context = BootApps.start(op, data, "--DEFAULT_PERMISSION=NO_PERMISSIONS", "--management.endpoint.health.show-details=always");
        base = BootApps.base(context);
        op.registerRedirectUri(base + "/callback");
    }

    @AfterAll
    static void stop() {
        BootApps.stop(context, op);
    }

    private static Browser signedIn(TestUser user) {
        op.user(user);
        Browser browser = new Browser();
        Browser.Navigation login = browser.navigate(base + "/login?next=/api/me");
        assertEquals(200, login.statusCode(), login.toString());
        return browser;
    }

    @Test
    void authenticationPrincipalAndStatusSeeTheSignedInUser() {
        Browser browser = signedIn(TestUser.withGroups("carol", "mlflow"));
        HttpResponse<String> me = browser.get(base + "/api/me");
        assertEquals(200, me.statusCode(), me.body());
        assertTrue(me.body().contains("\"username\":\"carol\""), me.body());
        HttpResponse<String> status = browser.get(base + "/auth/status");
        assertTrue(status.body().contains("\"authenticated\":true") && status.body().contains("\"auth_method\":\"session\""),
                status.body());
    }

    @Test
    void bearerClientsReachAnnotatedEndpointsAsThemselves() {
        op.user(TestUser.withGroups("fritz", "mlflow-admin"));
        String token = op.accessToken(Map.of());
        HttpResponse<String> admin = new Browser().get(base + "/api/admin", Map.of("Authorization", "Bearer " + token));
        assertEquals(200, admin.statusCode(), admin.body());
        HttpResponse<String> forged = new Browser().get(base + "/api/admin",
                Map.of("Authorization", "Bearer " + token.substring(0, token.length() - 4) + "AAAA"));
        assertEquals(401, forged.statusCode(), forged.body());
        assertTrue(context.getBean(MeterRegistry.class).find(MicrometerSsoEvents.AUTHENTICATIONS).tag("method", "bearer")
                .tag("outcome", "failure").counter().count() >= 1);
    }

    @Test
    void unauthenticatedApiCallsAreRefusedBeforeTheApplication() {
        HttpResponse<String> response = new Browser().get(base + "/api/me", Map.of("Accept", "application/json"));
        assertEquals(401, response.statusCode(), response.body());
    }

    @Test
    void hasPermissionInPreAuthorizeUsesTheFrameworksGrants() {
        ResourceType experiment = ResourceType.of("experiment");
        context.getBean(Store.class).permissions()
                .grant(new Grant(Grantee.user("alice"), new Resource(experiment, "churn"), PermissionLevel.READ));
        Browser alice = signedIn(TestUser.withGroups("alice", "mlflow"));
        assertEquals(200, alice.get(base + "/api/experiments/churn").statusCode());
        // READ is not EDIT, and no grant at all is the default NO_PERMISSIONS.
        assertEquals(403, alice.get(base + "/api/experiments/churn/editable").statusCode());
        assertEquals(403, alice.get(base + "/api/experiments/forecast").statusCode());
        assertEquals(403, alice.get(base + "/api/admin").statusCode());
    }

    @Test
    void administratorsHaveRoleAdminAndEveryPermission() {
        Browser admin = signedIn(TestUser.withGroups("dana", "mlflow-admin"));
        assertEquals(200, admin.get(base + "/api/admin").statusCode());
        assertEquals(200, admin.get(base + "/api/experiments/anything/editable").statusCode());
    }

    @Test
    void oneCsrfCheckAppliesOidcSsosNotSpringSecuritys() {
        Browser admin = signedIn(TestUser.withGroups("gina", "mlflow-admin"));
        HttpResponse<String> without = admin.post(base + "/api/experiments/churn/runs", Map.of(), Map.of("Accept", "application/json"));
        assertEquals(403, without.statusCode(), without.body());
        assertTrue(without.body().contains("X-OIDC-SSO-CSRF"), without.body());
        String token = admin.cookies().get("oidc_sso_csrf").orElseThrow().value();
        // With oidc-sso's header and no Spring Security token: Spring's CSRF filter is off.
        HttpResponse<String> with = admin.post(base + "/api/experiments/churn/runs", Map.of(),
                Map.of("Accept", "application/json", "X-OIDC-SSO-CSRF", token));
        assertEquals(200, with.statusCode(), with.body());
    }

    @Test
    void healthIndicatorIsUpAndInTheReadinessGroup() {
        HttpResponse<String> health = new Browser().get(base + "/actuator/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().matches("(?s).*\"oidcSso\":\\{[^}]*\"discovery\":\\{\"ready\":true}.*"), health.body());
        assertTrue(health.body().contains("\"store\":\"available\""), health.body());
        HttpResponse<String> readiness = new Browser().get(base + "/actuator/health/readiness");
        assertEquals(200, readiness.statusCode(), readiness.body());
        assertTrue(readiness.body().contains("oidcSso"), readiness.body());
    }

    @Test
    void aLoginIsCountedAndTimed() {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        Timer before = registry.find(MicrometerSsoEvents.LOGINS).tag("outcome", "success").timer();
        long count = before == null ? 0 : before.count();
        signedIn(TestUser.withGroups("erin", "mlflow"));
        Timer logins = registry.find(MicrometerSsoEvents.LOGINS).tag("outcome", "success").tag("reason", "none").timer();
        assertNotNull(logins);
        assertEquals(count + 1, logins.count());
        assertTrue(registry.find(MicrometerSsoEvents.SESSIONS_STARTED).counter().count() >= 1);
        assertTrue(registry.find(MicrometerSsoEvents.PROVIDER_FETCHES).tag("document", "discovery").tag("outcome", "success")
                .counter().count() >= 1);
        assertTrue(registry.find(MicrometerSsoEvents.PROVIDER_FETCHES).tag("document", "jwks").tag("outcome", "success")
                .counter().count() >= 1);
        // The login was recorded in the store, and the next request looked its user up in a cache.
        assertTrue(registry.find(MicrometerSsoEvents.STORE_CALLS).tag("operation", "write").tag("outcome", "success")
                .timer().count() >= 1);
        assertTrue(registry.find(MicrometerSsoEvents.AUTHENTICATIONS).tag("method", "session").tag("outcome", "success")
                .counter().count() >= 1);
        assertTrue(registry.find(MicrometerSsoEvents.CACHE_LOOKUPS).counters().stream().mapToDouble(c -> c.count()).sum() >= 1);
    }

    @Test
    void aRefusedLoginIsCountedWithItsReasonAndNoUserName() {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        op.user(TestUser.withGroups("mallory", "strangers"));
        Browser.Navigation login = new Browser().navigate(base + "/login?next=/api/me");
        assertEquals(403, login.statusCode(), login.toString());
        Timer refused = registry.find(MicrometerSsoEvents.LOGINS).tag("outcome", "refused").timer();
        assertNotNull(refused, registry.getMeters().toString());
        assertEquals("access_refused", refused.getId().getTag("reason"));
        assertTrue(registry.getMeters().stream().flatMap(m -> m.getId().getTags().stream())
                .noneMatch(tag -> tag.getValue().contains("mallory")));
    }
}
