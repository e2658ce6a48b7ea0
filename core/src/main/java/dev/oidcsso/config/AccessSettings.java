package dev.oidcsso.config;

import java.util.List;
import java.util.Set;

/**
 * How requests reach the application: the ways users authenticate and the paths open to anyone.
 *
 * @param authModes   {@code OIDC_AUTH_MODE}
 * @param publicPaths {@code OIDC_PUBLIC_PATHS}: exact paths, or prefixes ending in {@code /}
 */
public record AccessSettings(Set<AuthMode> authModes, List<String> publicPaths) {

    /**
     * Copies the collections.
     *
     * @param authModes   the authentication modes
     * @param publicPaths the public paths
     */
    public AccessSettings {
        authModes = Set.copyOf(authModes);
        publicPaths = List.copyOf(publicPaths);
    }

    /** @return whether browser login through the IdP is enabled */
    public boolean oidcLogin() {
        return authModes.contains(AuthMode.OIDC);
    }

    static AccessSettings parse(SettingValues values, List<String> problems) {
        Set<AuthMode> modes = AuthMode.parse(values.list(SettingNames.AUTH_MODE, false), problems);
        List<String> publicPaths = values.list(SettingNames.PUBLIC_PATHS, false);
        publicPaths.stream().filter(path -> !path.startsWith("/")).forEach(path -> problems.add(
                SettingNames.PUBLIC_PATHS + " entry '" + path + "' must start with /"));
        return new AccessSettings(modes, publicPaths);
    }
}
