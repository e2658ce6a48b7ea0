package dev.oidcsso.session;

import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.crypto.SealingKey;
import dev.oidcsso.config.Secret;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionCodecTest {

    static final SealingKey KEY = SealingKey.fromSecret(Secret.of("0123456789abcdef0123456789abcdef"));
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static Session session(Optional<String> idToken) {
        return new Session("sid-1", "alice", List.of("mlflow"), false, NOW, NOW.plusSeconds(3600), idToken);
    }

    @Test
    void roundTripsAndHidesTheContent() {
        SessionCodec codec = new SessionCodec(KEY);
        String cookie = codec.encode(session(Optional.of("header.payload.sig"))).value();
        assertFalse(cookie.contains("alice"));
        assertEquals(Optional.of(new SessionCodec.Decoded(session(Optional.of("header.payload.sig")), false)), codec.decode(cookie, NOW));
    }

    @Test
    void refusesExpiredTamperedForeignAndGarbage() {
        SessionCodec codec = new SessionCodec(KEY);
        String cookie = codec.encode(session(Optional.empty())).value();
        assertTrue(codec.decode(cookie, NOW.plusSeconds(3600)).isEmpty(), "expired");
        char[] chars = cookie.toCharArray();
        int i = cookie.lastIndexOf('.') - 3;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        assertTrue(codec.decode(new String(chars), NOW).isEmpty(), "tampered");
        assertTrue(new SessionCodec(SealingKey.fromSecret(Secret.of("another-key-another-key-another-key"))).decode(cookie, NOW).isEmpty());
        assertTrue(codec.decode("garbage", NOW).isEmpty());
        assertTrue(codec.decode("", NOW).isEmpty());
        assertTrue(codec.decode("x".repeat(100_000), NOW).isEmpty());
    }

    @Test
    void aLoginStateCannotBeReplayedAsASession() {
        String loginState = new Sealer(KEY, "login").seal(Map.of("sid", "x", "sub", "mallory"));
        assertTrue(new SessionCodec(KEY).decode(loginState, NOW).isEmpty());
    }

    @Test
    void aHugeIdTokenIsLeftOutRatherThanBreakingTheCookie() {
        SessionCodec codec = new SessionCodec(KEY);
        SessionCodec.Encoded encoded = codec.encode(session(Optional.of("x".repeat(5000))));
        assertTrue(encoded.value().length() <= SessionCodec.MAX_COOKIE_VALUE);
        assertFalse(encoded.groupsOmitted());
        assertEquals(Optional.empty(), codec.decode(encoded.value(), NOW).orElseThrow().session().idToken());
    }

    @Test
    void hundredsOfGroupsAreLeftForTheServerToKeep() {
        List<String> groups = java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> java.util.UUID.nameUUIDFromBytes(new byte[]{(byte) i, (byte) (i >> 8)}).toString()).toList();
        Session many = new Session("sid-2", "bob", groups, false, NOW, NOW.plusSeconds(3600), Optional.of("id.token.sig"));
        SessionCodec codec = new SessionCodec(KEY);
        SessionCodec.Encoded encoded = codec.encode(many);
        assertTrue(encoded.groupsOmitted());
        assertTrue(encoded.value().length() <= SessionCodec.MAX_COOKIE_VALUE);
        SessionCodec.Decoded decoded = codec.decode(encoded.value(), NOW).orElseThrow();
        assertTrue(decoded.groupsOmitted());
        assertEquals(List.of(), decoded.session().groups());
        assertEquals("bob", decoded.session().username());
    }

    @Test
    void revocationsAreForgottenOnlyAfterTheSessionWouldHaveExpired() {
        java.time.Clock clock = java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC);
        InMemorySessionRevocations revocations = new InMemorySessionRevocations(clock);
        revocations.revoke("a", NOW.plusSeconds(10));
        assertTrue(revocations.isRevoked("a"));
        assertFalse(revocations.isRevoked("b"));
    }
}
