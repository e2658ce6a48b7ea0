package dev.oidcsso.session;

import dev.oidcsso.http.WebRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionCookieTest {

    /** A request to the application at {@code base}, carrying a session cookie when one is given. */
    record Request(String base, Optional<String> sessionCookie) implements WebRequest {
        Request(String base) {
            this(base, Optional.empty());
        }

        public String method() {
            return "GET";
        }

        public String path() {
            return "/";
        }

        public Map<String, String> queryParameters() {
            return Map.of();
        }

        public Optional<String> header(String name) {
            return Optional.empty();
        }

        public Optional<String> cookie(String name) {
            return SessionManager.COOKIE.equals(name) ? sessionCookie : Optional.empty();
        }

        public String remoteAddress() {
            return "127.0.0.1";
        }

        public URI baseUri() {
            return URI.create(base);
        }
    }

    final SessionManager sessions = new SessionManager(new SessionCodec(SessionCodecTest.KEY),
            new InMemorySessionRevocations(Clock.systemUTC()), Duration.ofHours(8),
            Clock.fixed(SessionCodecTest.NOW, java.time.ZoneOffset.UTC), new SecureRandom(), SessionGroups.inMemory(Duration.ofHours(8)));

    @Test
    void secureOverHttpsHttpOnlyAndSameSiteAlways() {
        Session session = sessions.start("alice", List.of("mlflow"), false, Optional.empty());
        String https = sessions.cookie(session, new Request("https://app.example.com/tracking")).toHeader();
        assertTrue(https.startsWith(SessionManager.COOKIE + "="));
        assertTrue(https.contains("; Path=/tracking; Max-Age=28800; HttpOnly; SameSite=Lax; Secure"), https);
        String http = sessions.cookie(session, new Request("http://localhost:8080")).toHeader();
        assertTrue(http.contains("; Path=/; Max-Age=28800; HttpOnly; SameSite=Lax"), http);
        assertFalse(http.contains("Secure"));
        assertEquals(SessionManager.COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax",
                sessions.deletion(new Request("http://localhost:8080")).toHeader());
    }

    @Test
    void groupsThatDoNotFitAreKeptOnTheServer() {
        List<String> groups = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "group-with-a-long-name-" + i).toList();
        Session session = sessions.start("bob", groups, false, Optional.empty());
        String value = sessions.cookie(session, new Request("http://localhost:8080")).value();
        assertTrue(value.length() < 4000, "the cookie stays within what browsers keep");
        assertEquals(groups, sessions.read(new Request("http://localhost:8080", Optional.of(value))).orElseThrow().groups());
        SessionManager restarted = new SessionManager(new SessionCodec(SessionCodecTest.KEY),
                new InMemorySessionRevocations(Clock.systemUTC()), Duration.ofHours(8),
                Clock.fixed(SessionCodecTest.NOW, java.time.ZoneOffset.UTC), new SecureRandom(), SessionGroups.inMemory(Duration.ofHours(8)));
        assertTrue(restarted.read(new Request("http://localhost:8080", Optional.of(value))).isEmpty(), "without the kept groups the session must log in again");
    }


    @Test
    void sessionIdsAreRandomAndLong() {
        String a = sessions.start("a", List.of(), false, Optional.empty()).id();
        String b = sessions.start("a", List.of(), false, Optional.empty()).id();
        assertFalse(a.equals(b));
        assertEquals(32, a.length(), "192 bits, base64url");
    }
}
