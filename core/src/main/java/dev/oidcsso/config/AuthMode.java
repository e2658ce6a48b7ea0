package dev.oidcsso.config;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A way users authenticate in a browser, chosen by {@code OIDC_AUTH_MODE}. */
public enum AuthMode {
    /** Login through the IdP with the Authorization Code Flow. */
    OIDC,
    /** A trusted reverse proxy (oauth2-proxy, NGINX, ...) did the login and forwards the identity in headers. */
    TRUSTED_HEADER;

    /**
     * The name in configuration.
     *
     * @return for example {@code trusted-header}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Set<AuthMode> parse(List<String> names, List<String> problems) {
        if (names.isEmpty()) {
            return Set.of(OIDC);
        }
        Set<AuthMode> modes = EnumSet.noneOf(AuthMode.class);
        for (String name : names) {
            boolean known = false;
            for (AuthMode mode : values()) {
                if (mode.wireName().equalsIgnoreCase(name)) {
                    modes.add(mode);
                    known = true;
                }
            }
            if (!known) {
                problems.add(SettingNames.AUTH_MODE + " entry '" + name + "' is not one of oidc, trusted-header");
            }
        }
        return modes.isEmpty() ? Set.of(OIDC) : Set.copyOf(modes);
    }
}
