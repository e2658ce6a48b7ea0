package dev.oidcsso.testing;

import static dev.oidcsso.testing.HttpAssertions.assertClientError;
import static dev.oidcsso.testing.HttpAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The browser against two stub servers standing for an application and a provider. */
class BrowserTest {

    private final StubServer app = StubServer.start();
    private final StubServer idp = StubServer.start();
    private final Browser browser = new Browser();

    @AfterEach
    void stop() {
        app.close();
        idp.close();
    }

    @Test
    void doesNotFollowRedirectsByItself() {
        app.on("/r", (ex, req) -> StubServer.redirect(ex, 302, "/elsewhere"));
        HttpResponse<String> response = browser.get(app.url("/r"));
        assertStatus(302, response);
        assertEquals(1, app.requests().size());
    }

    @Test
    void followsAcrossHostsCarryingEachHostsCookies() {
        app.on("/login", (ex, req) -> {
            ex.getResponseHeaders().add("Set-Cookie", "state=abc; Path=/; HttpOnly");
            StubServer.redirect(ex, 302, idp.url("/authorize"));
        });
        idp.on("/authorize", (ex, req) -> StubServer.redirect(ex, 302, app.url("/callback?code=c1")));
        app.on("/callback", (ex, req) -> StubServer.respond(ex, 200, "text/plain",
                "cookie=" + req.header("cookie").orElse("") + " code=" + req.queryParam("code").orElse("")));

        Browser.Navigation navigation = browser.navigate(app.url("/login"));
        assertEquals(200, navigation.statusCode());
        assertEquals("cookie=state=abc code=c1", navigation.body());
        assertEquals(List.of(URI.create(app.url("/login")), URI.create(idp.url("/authorize")),
                URI.create(app.url("/callback?code=c1"))), navigation.uris());
        assertTrue(navigation.hop(idp.url("/authorize")).isPresent());
        assertTrue(browser.cookies().get("state").orElseThrow().httpOnly());
    }

    @Test
    void redirectLoopsStopAtTheLimit() {
        app.on("/loop", (ex, req) -> StubServer.redirect(ex, 302, "/loop"));
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> browser.follow(browser.get(app.url("/loop")), 3));
        assertTrue(error.getMessage().contains("more than 3 redirects"), error.getMessage());
        assertEquals(4, app.requests().size());
    }

    @Test
    void seeOtherBecomesGetAndTemporaryRedirectRepeatsThePost() {
        app.on("/303", (ex, req) -> StubServer.redirect(ex, 303, "/echo"));
        app.on("/307", (ex, req) -> StubServer.redirect(ex, 307, "/echo"));
        app.on("/echo", (ex, req) -> StubServer.respond(ex, 200, "text/plain", req.method() + " " + req.form()));
        assertEquals("GET {}", browser.follow(browser.post(app.url("/303"), Map.of("a", "1"))).body());
        assertEquals("POST {a=[1]}", browser.follow(browser.post(app.url("/307"), Map.of("a", "1"))).body());
    }

    @Test
    void ownHeadersStayOnTheFirstRequestDefaultHeadersGoEverywhere() {
        browser.defaultHeader("X-Forwarded-Proto", "https");
        app.on("/start", (ex, req) -> StubServer.redirect(ex, 302, idp.url("/next")));
        idp.on("/next", (ex, req) -> StubServer.respond(ex, 200, "text/plain",
                req.header("authorization").orElse("none") + " " + req.header("x-forwarded-proto").orElse("none")));
        HttpResponse<String> first = browser.get(app.url("/start"), Map.of("Authorization", "Bearer t"));
        assertEquals("Bearer t", app.requests().get(0).header("authorization").orElseThrow());
        assertEquals("none https", browser.follow(first).body());
    }

    @Test
    void cookiesCanBeCopiedToAnotherBrowserAndReplayed() {
        app.on("/set", (ex, req) -> {
            ex.getResponseHeaders().add("Set-Cookie", "sid=s1; Path=/");
            StubServer.respond(ex, 200, "text/plain", "ok");
        });
        app.on("/who", (ex, req) -> StubServer.respond(ex, req.header("cookie").isPresent() ? 200 : 401, "text/plain",
                req.header("cookie").orElse("")));
        browser.get(app.url("/set"));
        Browser attacker = new Browser();
        assertClientError(attacker.get(app.url("/who")));
        browser.copyCookiesTo(attacker);
        assertEquals("sid=s1", attacker.get(app.url("/who")).body());
    }

    @Test
    void customRequestsCarryCookiesAndCustomHeaders() {
        app.on("/api", (ex, req) -> StubServer.respond(ex, 200, "text/plain",
                req.method() + " " + req.header("cookie").orElse("") + " " + req.header("x-test").orElse("")));
        browser.cookies().put(Cookie.of("127.0.0.1", "k", "v"));
        HttpResponse<String> response = browser.send(HttpRequest.newBuilder(URI.create(app.url("/api")))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).header("X-Test", "yes"));
        assertEquals("DELETE k=v yes", response.body());
    }
}
