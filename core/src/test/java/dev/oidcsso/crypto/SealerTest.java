package dev.oidcsso.crypto;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SealerTest {

    final SealingKey key = SealingKey.random(new java.security.SecureRandom());

    @Test
    void aLongValueOpensWhenItsPurposeAllowsIt() {
        // An Entra ID token with ~150 group ids is well over 6 KB: kept for id_token_hint, it must open again.
        String idToken = "x".repeat(10_000);
        Sealer kept = new Sealer(key, "session-id-token", 16_000);
        String sealed = kept.seal(Map.of("idt", idToken));
        assertTrue(sealed.length() > 8192 && sealed.length() <= 16_000, "sealed length " + sealed.length());
        assertEquals(Optional.of(idToken), kept.open(sealed).map(content -> content.get("idt")));
        assertEquals(Optional.empty(), new Sealer(key, "session-id-token").open(sealed), "a cookie-sized sealer refuses it");
    }

    @Test
    void anotherPurposeOrAChangedCharacterOpensNothing() {
        String sealed = new Sealer(key, "login").seal(Map.of("k", "v"));
        assertEquals(Optional.empty(), new Sealer(key, "session").open(sealed));
        char last = sealed.charAt(sealed.length() - 2);
        String changed = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        assertEquals(Optional.empty(), new Sealer(key, "login").open(changed));
    }
}
