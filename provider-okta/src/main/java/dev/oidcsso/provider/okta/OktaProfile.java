package dev.oidcsso.provider.okta;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.support.HostOrUrl;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import dev.oidcsso.spi.StandardChecks;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Okta (Workforce Identity). The discovery URL is built from {@code OIDC_OKTA_DOMAIN} and, for a
 * custom authorization server, {@code OIDC_OKTA_AUTHORIZATION_SERVER_ID}; groups are read from the
 * {@code groups} claim that the app's groups claim filter (org server) or a custom claim (custom
 * server) puts in the ID token; logout uses the advertised {@code end_session_endpoint} (the
 * core's standard behaviour).
 */
@AutoService(ProviderProfileFactory.class)
public final class OktaProfile implements ProviderProfileFactory {

    private static final List<String> OKTA_DOMAINS = List.of(".okta.com", ".oktapreview.com", ".okta-emea.com");
    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9_-]+");

    /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
    public OktaProfile() {
    }

    @Override
    public String name() {
        return "okta";
    }

    @Override
    public Set<String> settingNames() {
        return Set.of(OktaSettings.OKTA_DOMAIN, OktaSettings.OKTA_AUTHORIZATION_SERVER_ID, SettingNames.DISCOVERY_URL);
    }

    @Override
    public boolean recognises(URI discoveryUrl) {
        String host = discoveryUrl.getHost() == null ? "" : discoveryUrl.getHost().toLowerCase(Locale.ROOT);
        return OKTA_DOMAINS.stream().anyMatch(host::endsWith);
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of(SettingNames.GROUPS_ATTRIBUTE, "groups");
    }

    @Override
    public ProviderProfile create(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        Optional<URI> base = settings.get(OktaSettings.OKTA_DOMAIN)
                .flatMap(domain -> HostOrUrl.parse(OktaSettings.OKTA_DOMAIN, domain, problems));
        Optional<String> server = settings.get(OktaSettings.OKTA_AUTHORIZATION_SERVER_ID);
        server.filter(id -> !SERVER_ID.matcher(id).matches())
                .ifPresent(id -> problems.add(OktaSettings.OKTA_AUTHORIZATION_SERVER_ID + "='" + id
                        + "' is not an authorization server id such as 'default' or 'aus1a2b3c4D5e6F7g8h9'"));
        if (settings.get(SettingNames.DISCOVERY_URL).isEmpty() && settings.get(OktaSettings.OKTA_DOMAIN).isEmpty()) {
            problems.add(OktaSettings.OKTA_DOMAIN + " is not set: give your Okta domain (for example "
                    + "dev-123456.okta.com, shown in the Okta Admin Console's top-right menu), or set "
                    + SettingNames.DISCOVERY_URL);
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        Optional<URI> discoveryUrl = base.map(url -> URI.create(url + server.map(id -> "/oauth2/" + id).orElse("")
                + StandardChecks.WELL_KNOWN));
        return new Okta(discoveryUrl);
    }

    /** The configured profile: only the discovery URL differs from the standard. */
    private record Okta(Optional<URI> discoveryUrl) implements ProviderProfile {
        @Override
        public String name() {
            return "okta";
        }

        /** Okta issues a refresh token only for the {@code offline_access} scope (and the app's Refresh Token grant). */
        @Override
        public java.util.Set<String> refreshTokenScopes(java.util.Set<String> advertised) {
            return java.util.Set.of("offline_access");
        }
    }
}
