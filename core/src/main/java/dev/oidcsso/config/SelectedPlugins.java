package dev.oidcsso.config;

import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.spi.ProviderProfile;

import java.util.Objects;

/**
 * The plugins the settings select, each created once from its own settings in the validation pass.
 *
 * @param profile           the provider profile ({@code OIDC_PROVIDER})
 * @param identitySource    the identity source ({@code OIDC_IDENTITY_SOURCE})
 * @param identityValidator the identity validator ({@code OIDC_IDENTITY_VALIDATOR})
 * @param groupDetector     the group detector ({@code OIDC_GROUP_DETECTION_PLUGIN})
 */
public record SelectedPlugins(ProviderProfile profile, IdentitySource identitySource, IdentityValidator identityValidator,
                              GroupDetector groupDetector) {

    /**
     * Checks that every plugin is present.
     *
     * @param profile           the provider profile
     * @param identitySource    the identity source
     * @param identityValidator the identity validator
     * @param groupDetector     the group detector
     */
    public SelectedPlugins {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(identitySource, "identitySource");
        Objects.requireNonNull(identityValidator, "identityValidator");
        Objects.requireNonNull(groupDetector, "groupDetector");
    }
}
