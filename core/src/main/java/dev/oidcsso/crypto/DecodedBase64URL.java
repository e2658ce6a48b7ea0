package dev.oidcsso.crypto;

import com.nimbusds.jose.util.Base64URL;

import java.util.Base64;
import java.util.Optional;

/**
 * One part of a compact JWS or JWE, decoded once with the JDK's decoder, for Nimbus's objects.
 * Nimbus decodes with its own constant-time codec, written for secret keys, which made about a fifth
 * of a bearer token's check and of opening a sealed value; the parts of a compact serialization are
 * not secret (a JWE's content is encrypted), so the JDK's decoder is as safe for them. The text is
 * kept as given: Nimbus still computes signing inputs and AAD from it.
 */
public final class DecodedBase64URL extends Base64URL {

    private static final long serialVersionUID = 1L;

    private final byte[] bytes;

    private DecodedBase64URL(String text, byte[] bytes) {
        super(text);
        this.bytes = bytes;
    }

    /**
     * Splits a compact serialization at its dots and decodes every part.
     *
     * @param compact the compact JWS or JWE
     * @param parts   how many parts it must have (3 for a JWS, 5 for a JWE)
     * @return the parts, or empty when the count differs or a part is not base64url
     */
    public static Optional<Base64URL[]> split(String compact, int parts) {
        Base64URL[] out = new Base64URL[parts];
        int start = 0;
        for (int k = 0; k < parts; k++) {
            int end = k == parts - 1 ? compact.length() : compact.indexOf('.', start);
            if (end < 0 || (k == parts - 1 && compact.indexOf('.', start) >= 0)) {
                return Optional.empty();
            }
            String text = compact.substring(start, end);
            try {
                out[k] = new DecodedBase64URL(text, Base64.getUrlDecoder().decode(text));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            start = end + 1;
        }
        return Optional.of(out);
    }

    @Override
    public byte[] decode() {
        return bytes.clone();
    }
}
