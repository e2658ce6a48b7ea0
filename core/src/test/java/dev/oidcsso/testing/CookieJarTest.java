package dev.oidcsso.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cookie jar's RFC 6265 semantics, one rule per test. */
class CookieJarTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CookieJar jar = new CookieJar(clock, false);

    private void receive(String uri, String... headers) {
        jar.receive(URI.create(uri), List.of(headers));
    }

    private Optional<String> header(String uri) {
        return jar.header(URI.create(uri));
    }

    @Test
    void hostOnlyCookieGoesToThatHostOnlyOnAnyPort() {
        receive("http://127.0.0.1:8080/", "sid=1");
        assertEquals(Optional.of("sid=1"), header("http://127.0.0.1:9090/anything"));
        assertEquals(Optional.empty(), header("http://localhost:8080/"));
        assertTrue(jar.get("127.0.0.1", "sid").orElseThrow().hostOnly());
    }

    @Test
    void domainCookieGoesToSubdomainsButNeverByIpSuffix() {
        receive("http://app.example.test/", "d=1; Domain=.example.test");
        assertEquals(Optional.of("d=1"), header("http://other.example.test/"));
        assertEquals(Optional.of("d=1"), header("http://example.test/"));
        assertEquals(Optional.empty(), header("http://example.org/"));
        receive("http://app.example.test/", "evil=1; Domain=example.org");
        assertTrue(jar.get("evil").isEmpty(), "a Domain the host is not in is refused");
        receive("http://10.0.0.1/", "ip=1; Domain=0.0.1");
        assertTrue(jar.get("ip").isEmpty(), "no suffix match for IP addresses");
    }

    @Test
    void pathMatchingFollowsSegmentBoundaries() {
        receive("http://h/", "p=1; Path=/app");
        assertEquals(Optional.of("p=1"), header("http://h/app"));
        assertEquals(Optional.of("p=1"), header("http://h/app/x"));
        assertEquals(Optional.empty(), header("http://h/application"));
        assertEquals(Optional.empty(), header("http://h/"));
    }

    @Test
    void defaultPathIsTheRequestDirectory() {
        receive("http://h/oidc/callback?x=1", "c=1");
        assertEquals("/oidc", jar.get("c").orElseThrow().path());
        assertEquals(Optional.empty(), header("http://h/other"));
        receive("http://h/login", "r=1");
        assertEquals("/", jar.get("r").orElseThrow().path());
    }

    @Test
    void longerPathsComeFirst() {
        receive("http://h/", "a=root; Path=/", "a=deep; Path=/x/y");
        assertEquals(Optional.of("a=deep; a=root"), header("http://h/x/y/z"));
    }

    @Test
    void sameNameDomainAndPathReplaces() {
        receive("http://h/", "s=1; Path=/", "s=2; Path=/");
        assertEquals(1, jar.all().size());
        assertEquals("2", jar.get("s").orElseThrow().value());
    }

    @Test
    void secureCookiesNeedHttps() {
        receive("http://h/", "s=1; Secure");
        assertTrue(jar.get("s").isEmpty(), "http cannot set a Secure cookie");
        receive("https://h/", "s=1; Secure; HttpOnly; SameSite=Lax");
        Cookie cookie = jar.get("s").orElseThrow();
        assertTrue(cookie.secure() && cookie.httpOnly());
        assertEquals(Optional.of("Lax"), cookie.sameSite());
        assertEquals(Optional.of("s=1"), header("https://h/"));
        assertEquals(Optional.empty(), header("http://h/"));
    }

    @Test
    void loopbackCanCountAsSecure() {
        CookieJar desktop = new CookieJar(clock, true);
        desktop.receive(URI.create("http://127.0.0.1:8080/"), List.of("s=1; Secure"));
        assertEquals(Optional.of("s=1"), desktop.header(URI.create("http://127.0.0.1:8080/")));
        desktop.receive(URI.create("http://example.test/"), List.of("t=1; Secure"));
        assertTrue(desktop.get("t").isEmpty());
    }

    @Test
    void maxAgeExpiresAndZeroDeletes() {
        receive("http://h/", "m=1; Max-Age=60");
        clock.advance(Duration.ofSeconds(59));
        assertEquals(Optional.of("m=1"), header("http://h/"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), header("http://h/"));

        receive("http://h/", "z=1");
        receive("http://h/", "z=; Max-Age=0");
        assertTrue(jar.get("z").isEmpty());
    }

    @Test
    void maxAgeWinsOverExpiresAndPastExpiresDeletes() {
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().minusSeconds(3600).atOffset(ZoneOffset.UTC));
        receive("http://h/", "both=1; Expires=" + past + "; Max-Age=100");
        assertTrue(jar.get("both").isPresent(), "Max-Age takes precedence");
        assertEquals(Optional.of(clock.instant().plusSeconds(100)), jar.get("both").orElseThrow().expires());

        receive("http://h/", "gone=1");
        receive("http://h/", "gone=x; Expires=" + past);
        assertTrue(jar.get("gone").isEmpty());
        receive("http://h/", "bad=1; Expires=not a date");
        assertTrue(jar.get("bad").orElseThrow().expires().isEmpty(), "an unparseable date leaves a session cookie");
    }

    @Test
    void cookiePrefixesAreEnforced() {
        receive("https://h/", "__Host-a=1; Secure; Path=/");
        receive("https://h/", "__Host-b=1; Secure; Path=/x");
        receive("https://h/", "__Host-c=1; Path=/");
        receive("https://h/", "__Secure-d=1");
        receive("https://h/", "__Secure-e=1; Secure");
        assertEquals(List.of("__Host-a", "__Secure-e"), jar.all().stream().map(Cookie::name).toList());
    }

    @Test
    void handMadeCookiesCanBePlantedReplacedAndRemoved() {
        receive("http://h/", "sid=real");
        Cookie stolen = jar.get("sid").orElseThrow();
        jar.put(stolen.withValue("forged"));
        assertEquals(Optional.of("sid=forged"), header("http://h/"));
        jar.put(Cookie.of("other", "x", "1"));
        assertEquals(Optional.of("x=1"), header("http://other/"));
        assertTrue(jar.remove("sid"));
        assertFalse(jar.remove("sid"));
        jar.clear();
        assertTrue(jar.all().isEmpty());
    }

    @Test
    void malformedHeadersAreIgnored() {
        receive("http://h/", "no-equals-sign", "=nameless");
        assertTrue(jar.all().isEmpty());
    }
}
