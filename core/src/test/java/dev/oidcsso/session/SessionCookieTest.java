package dev.oidcsso.session;

import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.http.CookieScope;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.TestRequest;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionCookieTest {

    /** A request to {@code base} sending these {@code Cookie} lines. */
    static TestRequest request(String base, String... cookieLines) {
        return TestRequest.get("/").at(base).withCookieLines(cookieLines);
    }

    static TestRequest withSession(String base, String name, String value) {
        return request(base, name + "=" + value);
    }

    static final String HTTP = "http://localhost:8080";
    final MutableClock clock = new MutableClock(SessionCodecTest.NOW);
    final InMemorySessionStore store = new InMemorySessionStore(clock);
    final SessionManager sessions = manager(store, Optional.empty());

    SessionManager manager(SessionStore sessionStore, Optional<String> domain) {
        return new SessionManager(new SessionCodec(SessionCodecTest.KEY, new SecureRandom()), sessionStore,
                new Sealer(SessionCodecTest.KEY, "session-id-token"), new CookieScope(domain), Duration.ofHours(8),
                Duration.ofMinutes(30), clock, Runnable::run);
    }

    Optional<Session> read(SessionManager manager, Session session) {
        return manager.read(withSession(HTTP, SessionManager.COOKIE, session.id()));
    }

    @Test
    void hostPrefixedOverHttpsHttpOnlyAndSameSiteAlways() {
        Session session = sessions.start("alice", List.of("mlflow"), false, Optional.empty());
        String https = sessions.cookie(session, request("https://app.example.com/tracking")).toHeader();
        assertTrue(https.startsWith("__Host-" + SessionManager.COOKIE + "="), https);
        assertTrue(https.contains("; Path=/; Max-Age=28800; HttpOnly; SameSite=Lax; Secure"), https);
        assertFalse(https.contains("Domain"));
        String http = sessions.cookie(session, request(HTTP)).toHeader();
        assertTrue(http.startsWith(SessionManager.COOKIE + "="), http);
        assertTrue(http.contains("; Path=/; Max-Age=28800; HttpOnly; SameSite=Lax"), http);
        assertFalse(http.contains("Secure"));
        assertEquals(SessionManager.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
                sessions.deletion(request(HTTP)).toHeader());
        assertTrue(https.length() < 400, "the whole Set-Cookie stays small: " + https.length());
    }

    @Test
    void aConfiguredDomainGivesSecurePrefixedCookiesWithThatDomain() {
        SessionManager withDomain = manager(store, Optional.of("example.com"));
        Session session = withDomain.start("alice", List.of("mlflow"), false, Optional.empty());
        String https = withDomain.cookie(session, request("https://app.example.com/tracking")).toHeader();
        assertTrue(https.startsWith("__Secure-" + SessionManager.COOKIE + "="), https);
        assertTrue(https.contains("; Path=/tracking; Domain=example.com; Max-Age=28800; HttpOnly; SameSite=Lax; Secure"), https);
        assertTrue(withDomain.read(withSession("https://app.example.com/tracking", "__Secure-" + SessionManager.COOKIE,
                session.id())).isPresent());
        assertTrue(withDomain.read(withSession("https://app.example.com/tracking", SessionManager.COOKIE,
                session.id())).isEmpty(), "over https the unprefixed name is not read");
    }

    @Test
    void twoSessionCookiesGiveNoSession() {
        Session alice = sessions.start("alice", List.of("mlflow"), false, Optional.empty());
        Session mallory = sessions.start("mallory", List.of("mlflow"), false, Optional.empty());
        assertTrue(sessions.read(request(HTTP, SessionManager.COOKIE + "=" + mallory.id() + "; "
                + SessionManager.COOKIE + "=" + alice.id())).isEmpty());
        assertTrue(sessions.read(request(HTTP, SessionManager.COOKIE + "=" + mallory.id(),
                SessionManager.COOKIE + "=" + alice.id())).isEmpty());
        assertEquals("alice", read(sessions, alice).orElseThrow().username());
    }

    @Test
    void theIdleTimeoutEndsAnUnusedSessionAndActivityExtendsOnlyIt() {
        Session session = sessions.start("alice", List.of("mlflow"), false, Optional.empty());
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertTrue(read(sessions, session).isPresent(), "used every 20 minutes, after " + (i + 1) * 20 + " minutes");
        }
        // 400 minutes in: the absolute lifetime (8 h) still ends it, however active.
        clock.advance(Duration.ofMinutes(80));
        assertTrue(read(sessions, session).isEmpty(), "past the absolute lifetime");

        Session idle = sessions.start("bob", List.of("mlflow"), false, Optional.empty());
        clock.advance(Duration.ofMinutes(29));
        assertTrue(read(sessions, idle).isPresent());
        clock.advance(Duration.ofMinutes(30));
        assertTrue(read(sessions, idle).isEmpty(), "unused for 30 minutes");
        assertTrue(store.activeOf("bob", clock.instant()).isEmpty(), "ended in the store, not only in this cache");
        clock.advance(Duration.ofMinutes(1));
        assertTrue(read(sessions, idle).isEmpty(), "and it stays ended");
    }

    @Test
    void activitySeenByAnotherReplicaKeepsTheSessionAlive() {
        SessionManager replicaA = sessions;
        SessionManager replicaB = manager(store, Optional.empty());
        Session session = replicaA.start("alice", List.of("mlflow"), false, Optional.empty());
        assertTrue(read(replicaA, session).isPresent());
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertTrue(read(replicaB, session).isPresent(), "B is used");
        }
        assertTrue(read(replicaA, session).isPresent(), "A's cache says idle, the store says active");
    }

    @Test
    void anEndedSessionIsRefusedEverywhereAndTheIdTokenStaysOnTheServer() {
        SessionManager replicaB = manager(store, Optional.empty());
        Session session = sessions.start(new SessionManager.SignIn("alice", List.of("mlflow"), false, "https://idp", "sub-1",
                Optional.of("idp-sid"), Optional.of("header.payload.signature")));
        assertFalse(session.id().contains("payload"));
        assertTrue(read(replicaB, session).isPresent());
        assertEquals(Optional.of("header.payload.signature"), sessions.idToken(read(replicaB, session).orElseThrow()));
        assertEquals(1, sessions.endAtIdp("https://idp", Optional.of("idp-sid"), Optional.empty()));
        assertTrue(read(sessions, session).isEmpty());
        assertTrue(read(replicaB, session).isEmpty());

        Session one = sessions.start("bob", List.of("mlflow"), false, Optional.empty());
        Session two = replicaB.start("bob", List.of("mlflow"), false, Optional.empty());
        assertEquals(2, sessions.endAllOf("bob", "admin"));
        assertTrue(read(replicaB, one).isEmpty());
        assertTrue(read(sessions, two).isEmpty());
    }

    @Test
    void sessionIdsAreRandomAndLong() {
        String a = sessions.start("a", List.of(), false, Optional.empty()).id();
        String b = sessions.start("a", List.of(), false, Optional.empty()).id();
        assertFalse(a.equals(b));
        assertEquals(82, a.length(), "version, nonce, 256-bit id and tag, base64url");
    }
}
