package dev.oidcsso.oidc;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;

import java.util.Set;

/**
 * The profile for any standards-compliant OpenID provider (Keycloak, Authentik, Dex, ...): every
 * hook keeps its standard default. Selected by {@code OIDC_PROVIDER=generic}, and when no other
 * profile recognises the discovery URL. It reads no settings.
 */
@AutoService(ProviderProfileFactory.class)
public final class GenericProviderProfile implements ProviderProfileFactory {

    private static final ProviderProfile PROFILE = () -> "generic";

    /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
    public GenericProviderProfile() {
    }

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("keycloak", "oidc");
    }

    @Override
    public ProviderProfile create(PluginSettings settings) {
        return PROFILE;
    }
}
