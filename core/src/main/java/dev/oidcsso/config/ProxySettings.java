package dev.oidcsso.config;

import dev.oidcsso.http.TrustedProxies;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The reverse proxies in front of the application: which are believed, which forwarding headers
 * they set, and the identity headers of a proxy that did the login.
 *
 * @param trustedProxies   {@code OIDC_TRUSTED_PROXIES}
 * @param forwardedHeaders {@code OIDC_FORWARDED_HEADERS}: {@code forwarded}, {@code x-forwarded}
 * @param trustedHeaders   {@code OIDC_TRUSTED_HEADER_USER}, {@code _EMAIL}, {@code _GROUPS}
 */
public record ProxySettings(TrustedProxies trustedProxies, Set<String> forwardedHeaders, TrustedHeaders trustedHeaders) {

    /**
     * Copies the set.
     *
     * @param trustedProxies   the trusted proxies
     * @param forwardedHeaders the forwarding header families
     * @param trustedHeaders   the identity header names
     */
    public ProxySettings {
        forwardedHeaders = Set.copyOf(forwardedHeaders);
    }

    static ProxySettings parse(SettingValues values, List<String> problems) {
        TrustedProxies proxies = TrustedProxies.parse(values.list(SettingNames.TRUSTED_PROXIES, false), problems);
        TrustedHeaders headers = new TrustedHeaders(values.get(SettingNames.TRUSTED_HEADER_USER).orElse("X-Forwarded-User"),
                values.get(SettingNames.TRUSTED_HEADER_EMAIL).orElse("X-Forwarded-Email"),
                values.get(SettingNames.TRUSTED_HEADER_GROUPS).orElse("X-Forwarded-Groups"));
        List<String> families = values.list(SettingNames.FORWARDED_HEADERS, false).stream()
                .map(name -> name.toLowerCase(Locale.ROOT)).toList();
        families.stream().filter(name -> !name.equals("forwarded") && !name.equals("x-forwarded")).forEach(name -> problems.add(
                SettingNames.FORWARDED_HEADERS + " entry '" + name + "' is not one of forwarded, x-forwarded"));
        return new ProxySettings(proxies, families.isEmpty() ? Set.of("forwarded", "x-forwarded") : Set.copyOf(families), headers);
    }
}
