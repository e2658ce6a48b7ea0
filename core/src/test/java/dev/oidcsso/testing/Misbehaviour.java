package dev.oidcsso.testing;

/**
 * Something a {@link TestProvider} does wrong (or unusually) once, on the next response of the
 * stage it belongs to. Queue one with {@link TestProvider#misbehave(Misbehaviour...)}; each is used
 * up by the first response of its {@link #stage()} and several can be combined.
 *
 * <p>Most constants are attacks or bugs a relying party must refuse. A few are legal variations
 * it must accept; their documentation says so.
 */
public enum Misbehaviour {

    // ---- authorization response (/authorize redirect) ----

    /** The authorization response carries an RFC 9207 {@code iss} parameter naming another issuer. */
    WRONG_ISS_PARAMETER(Stage.AUTHORIZATION_RESPONSE),
    /** The authorization response has no {@code iss} parameter although discovery advertises it. */
    MISSING_ISS_PARAMETER(Stage.AUTHORIZATION_RESPONSE),
    /**
     * The provider answers with an OAuth error redirect: {@code error=access_denied} and an
     * {@code error_description} of {@value TestProvider#HOSTILE_ERROR_DESCRIPTION}, which the
     * relying party must show escaped.
     */
    AUTHORIZATION_ERROR(Stage.AUTHORIZATION_RESPONSE),

    // ---- token response (/token) ----

    /** The token endpoint answers 400 {@code invalid_grant} instead of issuing tokens. */
    TOKEN_ERROR(Stage.TOKEN_RESPONSE),
    /** Legal: {@code expires_in} is the largest integer a long holds, as an IdP meaning "does not expire" may send. */
    HUGE_EXPIRES_IN(Stage.TOKEN_RESPONSE),

    // ---- ID token claims ----

    /** {@code iss} names another issuer. */
    WRONG_ISSUER(Stage.ID_TOKEN),
    /** {@code aud} names another client only. */
    WRONG_AUDIENCE(Stage.ID_TOKEN),
    /** {@code aud} names this client and another, with no {@code azp}. */
    MULTIPLE_AUDIENCES_WITHOUT_AZP(Stage.ID_TOKEN),
    /** {@code aud} names this client and another, and {@code azp} names the other one. */
    MULTIPLE_AUDIENCES_WRONG_AZP(Stage.ID_TOKEN),
    /** Legal: {@code aud} names this client and another, and {@code azp} names this client. */
    MULTIPLE_AUDIENCES_WITH_AZP(Stage.ID_TOKEN),
    /** No {@code sub} claim. */
    MISSING_SUB(Stage.ID_TOKEN),
    /** No {@code aud} claim. */
    MISSING_AUD(Stage.ID_TOKEN),
    /** No {@code iat} claim. */
    MISSING_IAT(Stage.ID_TOKEN),
    /** No {@code exp} claim. */
    MISSING_EXP(Stage.ID_TOKEN),
    /** {@code exp} an hour in the past (far beyond any clock skew), {@code iat} two hours ago. */
    EXPIRED(Stage.ID_TOKEN),
    /** {@code iat} an hour in the future (far beyond any clock skew). */
    ISSUED_IN_FUTURE(Stage.ID_TOKEN),
    /** {@code nonce} is a random value, not the one sent in the authorization request. */
    WRONG_NONCE(Stage.ID_TOKEN),
    /** No {@code nonce} claim although the authorization request had one. */
    MISSING_NONCE(Stage.ID_TOKEN),

    // ---- ID token signature ----

    /** Signed by a key that is not in the JWKS, under a {@code kid} the JWKS does not have. */
    UNKNOWN_SIGNING_KEY(Stage.ID_TOKEN),
    /** Signed by a key that is not in the JWKS, under the {@code kid} of the real signing key. */
    WRONG_KEY_FOR_KID(Stage.ID_TOKEN),
    /** Signed by the real key, then one byte of the signature is changed. */
    TAMPERED_SIGNATURE(Stage.ID_TOKEN),
    /** An unsecured JWT: header {@code {"alg":"none"}} and an empty signature. */
    ALG_NONE(Stage.ID_TOKEN),
    /**
     * Algorithm confusion: header {@code HS256} (with the real {@code kid}), MAC'd with the bytes of
     * the provider's public key in PEM form ({@link TestProvider#publicKeyPem()}) as the secret.
     */
    HS256_WITH_PUBLIC_KEY(Stage.ID_TOKEN),
    /**
     * Legal: the JWKS from now on serves the current key alone without a {@code kid}, and the token
     * has no {@code kid} either. Sticky: stays so until {@link TestProvider.Jwks#withKid()}.
     */
    NO_KID_SINGLE_KEY(Stage.ID_TOKEN),
    /**
     * Legal: key rotation. A new key with a new {@code kid} is published just before the token is
     * signed with it; the old key stays published.
     */
    ROTATED_KEY(Stage.ID_TOKEN),

    // ---- UserInfo ----

    /** UserInfo returns a {@code sub} different from the ID token's. */
    USERINFO_WRONG_SUB(Stage.USERINFO);

    /** The response a misbehaviour applies to. */
    public enum Stage {
        /** The redirect from {@code /authorize} back to the relying party. */
        AUTHORIZATION_RESPONSE,
        /** The response of {@code /token} as a whole. */
        TOKEN_RESPONSE,
        /** The ID token inside the next successful token response (or minted directly). */
        ID_TOKEN,
        /** The response of {@code /userinfo}. */
        USERINFO
    }

    private final Stage stage;

    Misbehaviour(Stage stage) {
        this.stage = stage;
    }

    /**
     * The response this misbehaviour changes.
     *
     * @return its stage
     */
    public Stage stage() {
        return stage;
    }
}
