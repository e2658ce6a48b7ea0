package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.HtmlForm;
import dev.oidcsso.testing.TestProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions as a browser lives them: several tabs logging in at once, sign-out that no other site can
 * force, and a failed callback that leaves a valid session alone.
 */
class SessionLifecycleTest {

    TestProvider op;
    OidcSso sso;
    HttpServer app;
    final Browser browser = new Browser().defaultHeader("Accept", "text/html");

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build());
        app = DemoApps.jdkApp(sso);
        op.registerRedirectUri(url("/callback"));
        op.registerPostLogoutRedirectUri(url("/"));
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        op.close();
    }

    String url(String path) {
        return DemoApps.baseUrl(app) + path;
    }

    boolean authenticated() {
        return browser.getJson(url("/auth/status")).body().contains("\"authenticated\":true");
    }

    static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + response.body()));
    }

    /** Starts a login and lets the IdP answer: the callback URL the browser is sent back to. */
    String callbackOfANewLogin(String next) {
        HttpResponse<String> toIdp = browser.get(url("/login?next=" + next));
        return location(browser.get(location(toIdp)));
    }

    @Test
    void loginsStartedInSeveralTabsAllCompleteInAnyOrder() {
        String first = callbackOfANewLogin("/one");
        String second = callbackOfANewLogin("/two");
        String third = callbackOfANewLogin("/three");
        HttpResponse<String> done = browser.get(second);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/two", location(done));
        done = browser.get(first);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/one", location(done));
        done = browser.get(third);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/three", location(done));
        assertTrue(authenticated());
    }

    @Test
    void loginStatesAreBoundedInNumberAndSize() {
        List<String> callbacks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callbacks.add(callbackOfANewLogin("/tab" + i));
        }
        long kept = browser.cookies().all().stream().filter(c -> c.name().startsWith("oidc_sso_login_")).count();
        assertEquals(5, kept, "the oldest logins are dropped beyond five");
        assertTrue(browser.cookies().all().stream().filter(c -> c.name().startsWith("oidc_sso_login_"))
                .allMatch(c -> c.value().length() < 1000), "each login state stays small");
        assertEquals(400, browser.get(callbacks.get(0)).statusCode(), "the oldest was dropped");
        assertEquals("/tab7", location(browser.get(callbacks.get(7))));
    }

    @Test
    void signingOutCannotBeForcedByAnotherSite() {
        assertEquals(200, browser.navigate(url("/login?next=/home")).last().statusCode());
        assertTrue(authenticated());

        HttpResponse<String> page = browser.get(url("/logout"));
        assertEquals(200, page.statusCode());
        assertTrue(authenticated(), "a GET (a link, an image) signs nobody out");
        assertEquals(List.of("no-store"), page.headers().allValues("Cache-Control"), "once");

        HttpResponse<String> noToken = browser.post(url("/logout"), Map.of());
        assertEquals(403, noToken.statusCode(), noToken.body());
        HtmlForm form = HtmlForm.parse(page, "confirm");
        HttpResponse<String> crossSite = browser.post(form.action().toString(), form.fields(), Map.of("Sec-Fetch-Site", "cross-site"));
        assertEquals(403, crossSite.statusCode(), crossSite.body());
        HttpResponse<String> otherOrigin = browser.post(form.action().toString(), form.fields(), Map.of("Origin", "https://evil.example"));
        assertEquals(403, otherOrigin.statusCode(), otherOrigin.body());
        assertTrue(authenticated(), "no forged POST signed the user out");

        HttpResponse<String> out = browser.post(form.action().toString(), form.fields(), Map.of("Sec-Fetch-Site", "same-origin"));
        assertEquals(302, out.statusCode(), out.body());
        assertTrue(location(out).startsWith(op.endSessionEndpoint().toString()), "then on to the IdP's logout");
        assertFalse(authenticated());
        HttpResponse<String> after = browser.get(url("/logout"));
        assertTrue(after.body().contains("You are signed out"), after.body());
        assertEquals(List.of("no-store"), after.headers().allValues("Cache-Control"), "once");
    }

    @Test
    void aFailedCallbackLeavesAValidSessionAlone() {
        assertEquals(200, browser.navigate(url("/login?next=/home")).last().statusCode());
        HttpResponse<String> forged = browser.get(url("/callback?state=forged&code=x"));
        assertEquals(400, forged.statusCode());
        assertFalse(forged.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith("oidc_sso_session=")),
                forged.headers().allValues("Set-Cookie").toString());
        assertTrue(authenticated(), "the session lives on");
    }

    @Test
    void signingInAgainEndsTheSessionTheBrowserHeldBefore() {
        assertEquals(200, browser.navigate(url("/login?next=/home")).last().statusCode());
        dev.oidcsso.testing.Cookie first = browser.cookies().get("oidc_sso_session").orElseThrow();
        Browser copy = new Browser().defaultHeader("Accept", "text/html");
        copy.cookies().put(first);
        assertTrue(copy.getJson(url("/auth/status")).body().contains("\"authenticated\":true"), "a copy of the cookie works");

        // Another user signs in on the same browser (a shared machine): the earlier session ends everywhere.
        op.user(dev.oidcsso.testing.TestUser.withGroups("bob", "mlflow"));
        assertEquals(200, browser.navigate(url("/login?next=/home")).last().statusCode());
        assertTrue(browser.getJson(url("/auth/status")).body().contains("bob"));
        assertTrue(copy.getJson(url("/auth/status")).body().contains("\"authenticated\":false"),
                "the copy of the earlier session's cookie no longer works");
    }
}
