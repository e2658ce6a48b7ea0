package dev.oidcsso.spi;

import java.net.URI;
import java.util.Map;

/**
 * Creates the {@link ProviderProfile} of one family of identity providers, registered with
 * {@code @AutoService(ProviderProfileFactory.class)} and selected by {@code OIDC_PROVIDER} (or,
 * when that is unset, by {@link #recognises(URI)} on the discovery URL). Its {@link #create} checks
 * the provider-specific settings and reports every problem at once.
 */
public interface ProviderProfileFactory extends PluginFactory<ProviderProfile> {

    /**
     * Whether a discovery URL belongs to this profile's IdP, for selection when
     * {@code OIDC_PROVIDER} is unset. The {@code generic} profile recognises nothing.
     *
     * @param discoveryUrl the configured discovery URL
     * @return true if this profile should handle it
     */
    default boolean recognises(URI discoveryUrl) {
        return false;
    }

    /**
     * Settings this profile supplies when the user does not (the lowest precedence of all), for
     * example {@code OIDC_GROUPS_ATTRIBUTE=cognito:groups}.
     *
     * @return setting names to default values
     */
    default Map<String, String> defaults() {
        return Map.of();
    }
}
