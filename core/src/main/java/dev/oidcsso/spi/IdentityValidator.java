package dev.oidcsso.spi;

import dev.oidcsso.config.OidcSettings;

import java.util.Map;
import java.util.Optional;

/**
 * Decides whether an identity may use the application at all, before groups and roles: the
 * built-ins are {@code none}, {@code claim-equals} and {@code expression}. Selected by
 * {@code OIDC_IDENTITY_VALIDATOR}; register with {@code @AutoService(IdentityValidator.class)}.
 */
public interface IdentityValidator {

    /**
     * The name that selects this validator.
     *
     * @return for example {@code claim-equals}
     */
    String name();

    /**
     * Returns the validator to use, configured from the settings. Called once at start-up.
     *
     * @param settings the settings
     * @return the configured validator
     * @throws dev.oidcsso.config.SettingsException when a setting it needs is missing or invalid
     */
    default IdentityValidator configure(OidcSettings settings) {
        return this;
    }

    /**
     * Checks an identity.
     *
     * @param claims the identity claims
     * @return why the identity is refused (shown to the user, so no secrets), or empty to accept it
     */
    Optional<String> refusal(Map<String, Object> claims);
}
