package dev.oidcsso.oidc;

import com.nimbusds.jwt.JWTClaimsSet;

import java.security.Key;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A bearer JWT whose signature and claims passed, with what a cache needs to trust it again
 * without verifying: the key that verified it, and its validity window, which
 * {@link TokenValidator#checkTimes} checks again on every use.
 *
 * @param claims     the verified claims
 * @param signingKey the key that verified the signature, when it can be named (one candidate key with a {@code kid})
 * @param expiresAt  the {@code exp} claim
 * @param notBefore  the {@code nbf} claim, if any
 */
public record VerifiedToken(JWTClaimsSet claims, Optional<SigningKey> signingKey, Instant expiresAt, Optional<Instant> notBefore) {

    /**
     * The key that verified a token.
     *
     * @param keyId its {@code kid}
     * @param key   the key itself
     */
    public record SigningKey(String keyId, Key key) {

        /**
         * Checks that nothing is missing.
         *
         * @param keyId its {@code kid}
         * @param key   the key itself
         */
        public SigningKey {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Checks that nothing is missing.
     *
     * @param claims     the verified claims
     * @param signingKey the key, when it can be named
     * @param expiresAt  the expiry
     * @param notBefore  the start of validity, if any
     */
    public VerifiedToken {
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(notBefore, "notBefore");
    }
}
