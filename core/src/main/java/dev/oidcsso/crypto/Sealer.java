package dev.oidcsso.crypto;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import java.text.ParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Seals a JSON object into a compact JWE ({@code dir}, {@code A256GCM}) and opens it again: the
 * content is confidential and any change to it is detected. One sealer per purpose, each with its
 * own derived key and a {@code cty} naming the purpose.
 */
public final class Sealer {

    private static final int DEFAULT_MAX_SEALED_LENGTH = 8192;
    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;

    private final String purpose;
    private final int maxSealedLength;
    private final SecretKeySpec key;
    private final DirectDecrypter decrypter;
    private final SecureRandom random = new SecureRandom();
    /** The header is the same for every value of a purpose: encoded once, with the AAD it gives. */
    private final String encodedHeader;
    private final byte[] aad;
    // Cipher instances are not thread-safe and costly to look up; one per thread is kept.
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Sealer::newCipher);

    /**
     * Creates a sealer for one purpose.
     *
     * @param key     the root key
     * @param purpose what the sealed values are, for example {@code session}
     */
    public Sealer(SealingKey key, String purpose) {
        this(key, purpose, DEFAULT_MAX_SEALED_LENGTH);
    }

    /**
     * Creates a sealer for one purpose whose values may be longer than a cookie's (kept on the server).
     *
     * @param key             the root key
     * @param purpose         what the sealed values are, for example {@code session-id-token}
     * @param maxSealedLength the longest sealed value {@link #open} accepts: what this purpose stores
     */
    public Sealer(SealingKey key, String purpose, int maxSealedLength) {
        this.purpose = purpose;
        this.maxSealedLength = maxSealedLength;
        byte[] derived = key.derive(purpose);
        this.key = new SecretKeySpec(derived, "AES");
        try {
            this.decrypter = new DirectDecrypter(derived);
        } catch (JOSEException e) {
            throw new IllegalStateException("a 256-bit key is valid for A256GCM", e);
        }
        this.encodedHeader = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).contentType(purpose).build()
                .toBase64URL().toString();
        this.aad = encodedHeader.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Seals a JSON object.
     *
     * @param content the values to seal (JSON types only)
     * @return the compact JWE
     */
    public String seal(Map<String, Object> content) {
        // The compact JWE of RFC 7516 (dir, A256GCM: no encrypted key, a random 96-bit IV, the encoded
        // header as AAD) written with the JDK: Nimbus's constant-time base64, meant for keys, cost a
        // fifth of a login here, and nothing encoded below is secret.
        byte[] plain = JSONObjectUtils.toJSONString(content).getBytes(StandardCharsets.UTF_8);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed;
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
            cipher.updateAAD(aad);
            sealed = cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        int text = sealed.length - TAG_BYTES;
        return encodedHeader + ".." + encoder.encodeToString(iv) + "."
                + encoder.encodeToString(java.util.Arrays.copyOfRange(sealed, 0, text)) + "."
                + encoder.encodeToString(java.util.Arrays.copyOfRange(sealed, text, sealed.length));
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is part of every Java runtime", e);
        }
    }

    /**
     * Opens a sealed value. Anything that was not sealed by this sealer (another key, another
     * purpose, a changed byte, garbage) gives an empty result, never an exception.
     *
     * @param sealed the compact JWE, for example a cookie value
     * @return the content, or empty when it is not authentic
     */
    public Optional<Map<String, Object>> open(String sealed) {
        if (sealed == null || sealed.isEmpty() || sealed.length() > maxSealedLength) {
            return Optional.empty();
        }
        try {
            if (sealed.startsWith(encodedHeader) && sealed.startsWith("..", encodedHeader.length())) {
                // What seal() writes: opened with the same JDK cipher, without Nimbus's per-value header parse,
                // decrypter and cipher look-up (5 % of a login callback). Anything else takes Nimbus's path below.
                return openOwn(sealed, encodedHeader.length() + 2);
            }
            // Decoded once by the JDK (see DecodedBase64URL); Nimbus checks and decrypts as before.
            Optional<Base64URL[]> parts = DecodedBase64URL.split(sealed, 5);
            if (parts.isEmpty()) {
                return Optional.empty();
            }
            Base64URL[] p = parts.get();
            JWEObject jwe = new JWEObject(p[0], p[1], p[2], p[3], p[4]);
            if (!JWEAlgorithm.DIR.equals(jwe.getHeader().getAlgorithm())
                    || !EncryptionMethod.A256GCM.equals(jwe.getHeader().getEncryptionMethod())
                    || !purpose.equals(jwe.getHeader().getContentType())) {
                return Optional.empty();
            }
            jwe.decrypt(decrypter);
            return Optional.of(JSONObjectUtils.parse(jwe.getPayload().toString()));
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens a value whose header is this sealer's own, from where its IV starts: the IV, ciphertext
     * and tag of RFC 7516's compact form, decrypted with the encoded header as AAD, as Nimbus does.
     */
    private Optional<Map<String, Object>> openOwn(String sealed, int ivStart) throws ParseException {
        int textStart = sealed.indexOf('.', ivStart) + 1;
        int tagStart = textStart == 0 ? 0 : sealed.indexOf('.', textStart) + 1;
        if (tagStart == 0 || sealed.indexOf('.', tagStart) >= 0) {
            return Optional.empty();
        }
        Base64.Decoder decoder = Base64.getUrlDecoder();
        byte[] iv = decoder.decode(sealed.substring(ivStart, textStart - 1));
        byte[] text = decoder.decode(sealed.substring(textStart, tagStart - 1));
        byte[] tag = decoder.decode(sealed.substring(tagStart));
        if (iv.length != IV_BYTES || tag.length != TAG_BYTES) {
            return Optional.empty();
        }
        byte[] plain;
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, iv));
            cipher.updateAAD(aad);
            // One doFinal over ciphertext and tag: a provider may return plaintext from update() before the tag is checked.
            byte[] textAndTag = Arrays.copyOf(text, text.length + tag.length);
            System.arraycopy(tag, 0, textAndTag, text.length, tag.length);
            plain = cipher.doFinal(textAndTag);
        } catch (GeneralSecurityException e) {
            // AEADBadTagException above all: another key or purpose, or a changed byte.
            return Optional.empty();
        }
        return Optional.of(JSONObjectUtils.parse(new String(plain, StandardCharsets.UTF_8)));
    }
}
