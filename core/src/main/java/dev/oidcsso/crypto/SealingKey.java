package dev.oidcsso.crypto;

import dev.oidcsso.config.Secret;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The root key from {@code SECRET_KEY}, from which one sub-key per purpose is derived with HKDF
 * (RFC 5869, SHA-256), so that a login-state cookie can never be replayed as a session cookie.
 */
public final class SealingKey {

    private final byte[] pseudoRandomKey;

    private SealingKey(byte[] pseudoRandomKey) {
        this.pseudoRandomKey = pseudoRandomKey;
    }

    /**
     * Derives the root key from a configured secret.
     *
     * @param secret the {@code SECRET_KEY} value
     * @return the key
     */
    public static SealingKey fromSecret(Secret secret) {
        // HKDF-Extract with a fixed salt: the salt only needs to be constant per application.
        byte[] salt = "oidc-sso/v1".getBytes(StandardCharsets.UTF_8);
        return new SealingKey(hmac(salt, secret.reveal().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A random key for an instance started without {@code SECRET_KEY}: sessions then end with the
     * process and are not shared with other instances.
     *
     * @param random the source of randomness
     * @return the key
     */
    public static SealingKey random(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new SealingKey(key);
    }

    /**
     * Derives the 256-bit key for one purpose (HKDF-Expand, one block).
     *
     * @param purpose for example {@code session}
     * @return 32 key bytes
     */
    public byte[] derive(String purpose) {
        byte[] info = ("oidc-sso " + purpose).getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(info, info.length + 1);
        input[info.length] = 1;
        return hmac(pseudoRandomKey, input);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "SealingKey[redacted]";
    }
}
