package dev.oidcsso.testing.stub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * An RSA signing key for a stub IdP: signs tokens with RS256 and publishes its JWKS.
 */
public final class StubKeys {

    private final RSAKey key;

    private StubKeys(RSAKey key) {
        this.key = key;
    }

    /**
     * Generates a fresh 2048-bit key with a random {@code kid}.
     *
     * @return the keys
     */
    public static StubKeys generate() {
        try {
            return new StubKeys(new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The public JWK set, as a JSON object.
     *
     * @return the JWKS
     */
    public Map<String, Object> jwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject();
    }

    /**
     * Signs claims with RS256 and this key's {@code kid}.
     *
     * @param claims the claims
     * @return the compact JWT
     */
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /**
     * The key pair.
     *
     * @return the key
     */
    public RSAKey key() {
        return key;
    }

    /**
     * The private key as PKCS#8 PEM, as Google service account key files hold it.
     *
     * @return the PEM text
     */
    public String privateKeyPem() {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(key.toPrivateKey().getEncoded());
            return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
