package dev.oidcsso.oidc;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.ProviderProfile;

import java.util.Set;

/**
 * The profile for any standards-compliant OpenID provider (Keycloak, Authentik, Dex, ...): every
 * hook keeps its standard default. Selected by {@code OIDC_PROVIDER=generic}, and when no other
 * profile recognises the discovery URL.
 */
@AutoService(ProviderProfile.class)
public final class GenericProviderProfile implements ProviderProfile {

    @Override
    public String name() {
        return "generic";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("keycloak", "oidc");
    }
}
