package dev.oidcsso.store;

import java.util.Objects;

/**
 * Who a user is at their identity provider: the {@code iss} and {@code sub} of their ID token, the
 * only pair that OpenID Connect Core (section 5.7) promises to be unique and stable. A user name
 * ({@code preferred_username}, {@code email}) is neither, so a user is bound to this pair at their
 * first login and a later login with the same name but another pair is refused.
 *
 * @param issuer  the issuer identifier
 * @param subject the subject identifier at that issuer
 */
public record IdpIdentity(String issuer, String subject) {

    /** The longest issuer or subject kept (the width of the store's columns). */
    public static final int MAX_LENGTH = 512;

    /**
     * Checks both parts.
     *
     * @param issuer  the issuer identifier
     * @param subject the subject identifier at that issuer
     * @throws IllegalArgumentException when a part is blank or longer than {@value #MAX_LENGTH}
     */
    public IdpIdentity {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        if (issuer.isBlank() || subject.isBlank() || issuer.length() > MAX_LENGTH || subject.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an issuer and a subject must be 1 to " + MAX_LENGTH + " characters");
        }
    }
}
