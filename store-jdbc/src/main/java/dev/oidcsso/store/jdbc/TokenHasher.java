package dev.oidcsso.store.jdbc;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes, hashes and compares personal access tokens and session ids.
 *
 * <p>A token is 256 random bits. It is stored only as its SHA-256: a slow password hash (bcrypt,
 * Argon2) exists to make guessing low-entropy human passwords expensive, but nobody can enumerate
 * 2^256 random tokens however fast the hash is, so a fast hash loses nothing and keeps the
 * per-request check cheap. Hashes are compared with {@link MessageDigest#isEqual}, whose time does
 * not depend on where the inputs differ.
 */
class TokenHasher {

    /** Bytes of randomness in a token: 256 bits. */
    static final int TOKEN_BYTES = 32;

    private final SecureRandom random;

    TokenHasher(SecureRandom random) {
        this.random = random;
    }

    /** A new token: 32 random bytes, base64url without padding (43 characters, safe in basic auth). */
    String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the text's UTF-8 bytes. */
    byte[] hash(CharSequence text) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(bytes);
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Hex SHA-256, as stored. */
    String hashHex(CharSequence text) {
        return HexFormat.of().formatHex(hash(text));
    }

    /** Constant-time comparison of two hashes. */
    boolean sameHash(byte[] expected, byte[] presented) {
        return MessageDigest.isEqual(expected, presented);
    }
}
