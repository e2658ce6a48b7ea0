package dev.oidcsso.spi.support;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads keys in PEM form without a third-party security provider.
 */
public final class PemKeys {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private PemKeys() {
    }

    /**
     * Parses an unencrypted PKCS#8 RSA private key ({@code -----BEGIN PRIVATE KEY-----}), the form
     * of a Google service account's {@code private_key}.
     *
     * @param pem the PEM text
     * @return the key
     * @throws IllegalArgumentException when the text is not such a key; the message never shows it
     */
    public static RSAPrivateKey rsaPrivateKey(String pem) {
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("not a PEM 'PRIVATE KEY' (PKCS#8) block");
        }
        String base64 = pem.substring(begin + BEGIN.length(), end).replaceAll("\\s+", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an RSA private key in PKCS#8 form", e);
        }
    }
}
