package dev.oidcsso.session;

import dev.oidcsso.crypto.SealingKey;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The session cookie's value: the session id only, sealed with AES-256-GCM under a key derived for
 * this purpose from {@code SECRET_KEY}. Layout, base64url without padding: one version byte, the
 * 12-byte nonce, then the ciphertext of the 32-byte id with its 16-byte tag (82 characters). The
 * version byte is authenticated too, so a value can only be read as the format it was written in.
 *
 * <p>Everything else about a session (user, times, ID token) lives in the {@link SessionStore}: the
 * cookie stays small and opening it costs one AES-GCM decryption of 48 bytes. Values in the
 * earlier format (a compact JWE) do not open: such a browser is simply not signed in.
 */
public final class SessionCodec {

    /** The format written and read: 2 (the sealed-JWE cookie was the first). */
    static final byte VERSION = 2;
    /** Bytes in a session id. */
    public static final int ID_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int SEALED_BYTES = 1 + NONCE_BYTES + ID_BYTES + TAG_BITS / 8;
    private static final int ENCODED_LENGTH = (SEALED_BYTES * 4 + 2) / 3;

    private final SecretKeySpec key;
    private final SecureRandom random;
    // Cipher instances are not thread-safe and costly to look up; one per thread is kept.
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SessionCodec::newCipher);

    /**
     * Creates the codec.
     *
     * @param root   the root key; a sub-key for session cookies is derived from it
     * @param random the source of nonces
     */
    public SessionCodec(SealingKey root, SecureRandom random) {
        this.key = new SecretKeySpec(root.derive("session-cookie/v2"), "AES");
        this.random = random;
    }

    /**
     * Seals a session id.
     *
     * @param id the 32 id bytes
     * @return the cookie value
     */
    public String encode(byte[] id) {
        if (id.length != ID_BYTES) {
            throw new IllegalArgumentException("a session id has " + ID_BYTES + " bytes");
        }
        byte[] out = new byte[SEALED_BYTES];
        out[0] = VERSION;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(out, 0, 1);
            cipher.doFinal(id, 0, id.length, out, 1 + NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /**
     * Opens a cookie value. Anything not sealed by this codec (another key, the older format, a
     * changed character, garbage) gives an empty result, never an exception.
     *
     * @param value the cookie value
     * @return the 32 id bytes, or empty
     */
    public Optional<byte[]> decode(String value) {
        if (value == null || value.length() != ENCODED_LENGTH || !canonicalLastCharacter(value.charAt(ENCODED_LENGTH - 1))) {
            return Optional.empty();
        }
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (sealed.length != SEALED_BYTES || sealed[0] != VERSION) {
            return Optional.empty();
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(sealed, 0, 1);
            byte[] id = cipher.doFinal(sealed, 1 + NONCE_BYTES, SEALED_BYTES - 1 - NONCE_BYTES);
            return Optional.of(id);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * 61 bytes end in one byte spread over two characters, the second carrying 2 bits of it and 4
     * unused bits. The JDK decoder ignores those, so 16 spellings would open alike; only the one
     * with zero bits is accepted, so that any changed character is refused.
     */
    private static boolean canonicalLastCharacter(char c) {
        int index;
        if (c >= 'A' && c <= 'Z') {
            index = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            index = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            index = c - '0' + 52;
        } else if (c == '-') {
            index = 62;
        } else if (c == '_') {
            index = 63;
        } else {
            return false;
        }
        return (index & 0x0F) == 0;
    }

    /**
     * A new random session id.
     *
     * @return 32 random bytes
     */
    public byte[] newId() {
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        return id;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "SessionCodec[v" + VERSION + ", key redacted]";
    }
}
