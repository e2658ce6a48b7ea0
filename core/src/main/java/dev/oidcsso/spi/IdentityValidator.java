package dev.oidcsso.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Decides whether an identity may use the application at all, before groups and roles: the
 * built-ins are {@code none}, {@code claim-equals} and {@code expression}. Created by an
 * {@link IdentityValidatorFactory}, selected by {@code OIDC_IDENTITY_VALIDATOR}.
 */
public interface IdentityValidator {

    /**
     * The name that selects this validator.
     *
     * @return for example {@code claim-equals}
     */
    String name();

    /**
     * Checks an identity.
     *
     * @param claims the identity claims
     * @return why the identity is refused (shown to the user, so no secrets), or empty to accept it
     */
    Optional<String> refusal(Map<String, Object> claims);
}
