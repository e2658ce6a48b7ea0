package dev.oidcsso.crypto;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sealed values are compact JWEs (dir, A256GCM) that only their own key and purpose open, unchanged. */
class SealerTest {

    private static final SealingKey KEY = SealingKey.random(new SecureRandom());

    @Test
    void roundTripAndStandardJwe() throws Exception {
        Sealer sealer = new Sealer(KEY, "login");
        String sealed = sealer.seal(Map.of("st", "state-1", "exp", 42));
        assertEquals(Optional.of(Map.<String, Object>of("st", "state-1", "exp", 42L)), sealer.open(sealed));
        // Any JOSE library opens it with the purpose's key: the format is RFC 7516's.
        JWEObject jwe = JWEObject.parse(sealed);
        assertEquals(JWEAlgorithm.DIR, jwe.getHeader().getAlgorithm());
        assertEquals(EncryptionMethod.A256GCM, jwe.getHeader().getEncryptionMethod());
        assertEquals("login", jwe.getHeader().getContentType());
        jwe.decrypt(new DirectDecrypter(KEY.derive("login")));
        assertEquals("state-1", jwe.getPayload().toJSONObject().get("st"));
    }

    @Test
    void opensValuesSealedByTheEarlierNimbusSealing() throws Exception {
        JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).contentType("login").build(),
                new Payload(Map.of("st", "older")));
        jwe.encrypt(new DirectEncrypter(KEY.derive("login")));
        assertEquals("older", new Sealer(KEY, "login").open(jwe.serialize()).orElseThrow().get("st"));
    }

    @Test
    void refusesOtherPurposeKeyAndAnyChangedCharacter() {
        Sealer sealer = new Sealer(KEY, "login");
        String sealed = sealer.seal(Map.of("st", "x"));
        assertTrue(new Sealer(KEY, "session-id-token").open(sealed).isEmpty());
        assertTrue(new Sealer(SealingKey.random(new SecureRandom()), "login").open(sealed).isEmpty());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
        for (int i = 0; i < sealed.length(); i++) {
            for (char c : new char[] {alphabet.charAt((alphabet.indexOf(sealed.charAt(i)) + 1) % alphabet.length()), '!', '+'}) {
                String changed = sealed.substring(0, i) + c + sealed.substring(i + 1);
                Optional<Map<String, Object>> opened = sealer.open(changed);
                // A changed spare bit of a part's last character can decode to the same bytes: then the content is the same.
                assertTrue(opened.isEmpty() || opened.get().equals(Map.of("st", "x")), changed);
            }
        }
        assertTrue(sealer.open("a.b.c").isEmpty());
        assertTrue(sealer.open("").isEmpty());
    }

    @Test
    void aLongValueOpensWhenItsPurposeAllowsIt() {
        // An Entra ID token with ~150 group ids is well over 6 KB: kept for id_token_hint, it must open again.
        String idToken = "x".repeat(10_000);
        Sealer kept = new Sealer(KEY, "session-id-token", 16_000);
        String sealed = kept.seal(Map.of("idt", idToken));
        assertTrue(sealed.length() > 8192 && sealed.length() <= 16_000, "sealed length " + sealed.length());
        assertEquals(Optional.of(idToken), kept.open(sealed).map(content -> content.get("idt")));
        assertEquals(Optional.empty(), new Sealer(KEY, "session-id-token").open(sealed), "a cookie-sized sealer refuses it");
    }
}
