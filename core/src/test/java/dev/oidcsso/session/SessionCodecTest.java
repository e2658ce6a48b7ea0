package dev.oidcsso.session;

import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.crypto.SealingKey;
import dev.oidcsso.config.Secret;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionCodecTest {

    static final SealingKey KEY = SealingKey.fromSecret(Secret.of("0123456789abcdef0123456789abcdef"));
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private final SessionCodec codec = new SessionCodec(KEY, new SecureRandom());

    @Test
    void roundTripsASmallValueThatHidesTheId() {
        byte[] id = codec.newId();
        String cookie = codec.encode(id);
        assertArrayEquals(id, codec.decode(cookie).orElseThrow());
        assertTrue(cookie.length() < 100, "the whole cookie stays well under 400 bytes: " + cookie.length());
        assertFalse(cookie.contains(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id).substring(0, 10)));
        assertNotEquals(cookie, codec.encode(id), "a fresh nonce per sealing");
    }

    @Test
    void refusesTamperedForeignAndGarbage() {
        String cookie = codec.encode(codec.newId());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < cookie.length(); i++) {
            for (char replacement : alphabet.toCharArray()) {
                if (replacement == cookie.charAt(i)) {
                    continue;
                }
                char[] chars = cookie.toCharArray();
                chars[i] = replacement;
                assertTrue(codec.decode(new String(chars)).isEmpty(), "tampered at " + i + " with " + replacement);
            }
        }
        assertTrue(new SessionCodec(SealingKey.fromSecret(Secret.of("another-key-another-key-another-key")), new SecureRandom())
                .decode(cookie).isEmpty());
        assertTrue(codec.decode("garbage").isEmpty());
        assertTrue(codec.decode("").isEmpty());
        assertTrue(codec.decode(null).isEmpty());
        assertTrue(codec.decode("x".repeat(100_000)).isEmpty());
        assertTrue(codec.decode("!".repeat(cookie.length())).isEmpty());
    }

    @Test
    void aCookieOfTheEarlierFormatAndALoginStateAreNoSession() {
        // The earlier session cookie: a compact JWE sealed with the "session" sub-key.
        String earlier = new Sealer(KEY, "session").seal(Map.of("sid", "s", "sub", "alice"));
        assertTrue(codec.decode(earlier).isEmpty());
        String loginState = new Sealer(KEY, "login").seal(Map.of("st", "x"));
        assertTrue(codec.decode(loginState).isEmpty());
    }
}
