package dev.oidcsso.groups;

import java.util.Map;
import java.util.Optional;

/**
 * What a {@link GroupDetector} knows about the user whose groups it is asked for.
 *
 * <p>Claim values are as the JSON parser produced them: {@code String}, {@code Boolean},
 * {@code Number}, {@code List<Object>} or {@code Map<String, Object>}.
 */
public interface GroupDetectionContext {

    /**
     * The user name the framework chose from the configured username claims.
     *
     * @return the user name
     */
    String username();

    /**
     * The identity claims: those of the configured identity source (ID token or UserInfo).
     *
     * @return an unmodifiable map of claim names to values
     */
    Map<String, Object> claims();

    /**
     * The claims of the validated ID token, or of the bearer JWT for an API client.
     *
     * @return an unmodifiable map of claim names to values
     */
    Map<String, Object> tokenClaims();

    /**
     * The UserInfo response, when the framework has fetched it.
     *
     * @return the UserInfo claims, or empty when UserInfo was not fetched
     */
    Optional<Map<String, Object>> userInfoClaims();

    /**
     * The OAuth access token issued at login, for detectors that call the IdP or a directory on the
     * user's behalf. Never log it.
     *
     * @return the access token, or empty when none is available (for example for a bearer ID token)
     */
    Optional<String> accessToken();

    /**
     * One top-level claim of {@link #claims()} as text.
     *
     * @param name the claim name
     * @return the claim's value when it is a string
     */
    default Optional<String> claim(String name) {
        Object value = claims().get(name);
        return value instanceof String text ? Optional.of(text) : Optional.empty();
    }
}
