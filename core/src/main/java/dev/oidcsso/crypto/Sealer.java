package dev.oidcsso.crypto;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.util.JSONObjectUtils;

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

    private final String purpose;
    private final int maxSealedLength;
    private final DirectEncrypter encrypter;
    private final DirectDecrypter decrypter;

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
        try {
            this.encrypter = new DirectEncrypter(derived);
            this.decrypter = new DirectDecrypter(derived);
        } catch (JOSEException e) {
            throw new IllegalStateException("a 256-bit key is valid for A256GCM", e);
        }
    }

    /**
     * Seals a JSON object.
     *
     * @param content the values to seal (JSON types only)
     * @return the compact JWE
     */
    public String seal(Map<String, Object> content) {
        JWEHeader header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM).contentType(purpose).build();
        JWEObject jwe = new JWEObject(header, new Payload(content));
        try {
            jwe.encrypt(encrypter);
        } catch (JOSEException e) {
            throw new IllegalStateException("sealing failed", e);
        }
        return jwe.serialize();
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
            JWEObject jwe = JWEObject.parse(sealed);
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
}
