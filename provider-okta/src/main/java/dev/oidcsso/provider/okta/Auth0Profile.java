package dev.oidcsso.provider.okta;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.support.HostOrUrl;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.spi.LogoutRequestInfo;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import dev.oidcsso.spi.StandardChecks;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Auth0 (Okta Customer Identity). The discovery URL is built from {@code OIDC_AUTH0_DOMAIN}; Auth0
 * puts no groups in its tokens, so a post-login Action sets a namespaced custom claim, by default
 * {@code urn:mlflow:groups} as in the MLflow seed (any namespaced URL or URN can be configured in
 * {@code OIDC_GROUPS_ATTRIBUTE}). Logout uses the {@code end_session_endpoint} when the tenant
 * advertises it (RP-Initiated Logout enabled), otherwise Auth0's own
 * {@code /v2/logout?client_id=...&returnTo=...}.
 */
@AutoService(ProviderProfileFactory.class)
public final class Auth0Profile implements ProviderProfileFactory {

    /** The claim a post-login Action sets by default, as in the MLflow seed. */
    public static final String DEFAULT_GROUPS_CLAIM = "urn:mlflow:groups";

    /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
    public Auth0Profile() {
    }

    @Override
    public String name() {
        return "auth0";
    }

    @Override
    public Set<String> settingNames() {
        return Set.of(OktaSettings.AUTH0_DOMAIN, SettingNames.DISCOVERY_URL);
    }

    @Override
    public boolean recognises(URI discoveryUrl) {
        String host = discoveryUrl.getHost() == null ? "" : discoveryUrl.getHost().toLowerCase(Locale.ROOT);
        return host.endsWith(".auth0.com");
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of(SettingNames.GROUPS_ATTRIBUTE, DEFAULT_GROUPS_CLAIM);
    }

    @Override
    public ProviderProfile create(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        Optional<URI> domain = settings.get(OktaSettings.AUTH0_DOMAIN)
                .flatMap(text -> HostOrUrl.parse(OktaSettings.AUTH0_DOMAIN, text, problems));
        Optional<String> discoveryUrl = settings.get(SettingNames.DISCOVERY_URL);
        if (discoveryUrl.isEmpty() && settings.get(OktaSettings.AUTH0_DOMAIN).isEmpty()) {
            problems.add(OktaSettings.AUTH0_DOMAIN + " is not set: give the Domain from the Auth0 application's "
                    + "Settings page (for example my-tenant.us.auth0.com), or set " + SettingNames.DISCOVERY_URL);
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        // Auth0 serves discovery at the root of the tenant domain, so the tenant's origin is the discovery URL's.
        Optional<URI> tenant = domain.or(() -> discoveryUrl.flatMap(Auth0Profile::origin));
        return new Auth0(domain.map(base -> URI.create(base + StandardChecks.WELL_KNOWN)), tenant);
    }

    private static Optional<URI> origin(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() == null || uri.getRawAuthority() == null ? Optional.empty()
                    : Optional.of(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the core reports an unusable OIDC_DISCOVERY_URL
        }
    }

    /**
     * The configured profile.
     *
     * @param discoveryUrl the discovery URL built from the domain
     * @param tenant       the tenant's base URL, for Auth0's own logout
     */
    private record Auth0(Optional<URI> discoveryUrl, Optional<URI> tenant) implements ProviderProfile {

        @Override
        public String name() {
            return "auth0";
        }

        /** Auth0 issues a refresh token only for the {@code offline_access} scope (and an API allowing offline access). */
        @Override
        public java.util.Set<String> refreshTokenScopes(java.util.Set<String> advertised) {
            return java.util.Set.of("offline_access");
        }

        @Override
        public Optional<URI> logoutUri(LogoutRequestInfo request) {
            if (request.endSessionEndpoint().isPresent() || tenant.isEmpty()) {
                return Optional.empty(); // the core builds the standard RP-initiated logout URL
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("client_id", request.clientId());
            parameters.put("returnTo", request.postLogoutRedirectUri().toString());
            return Optional.of(LogoutUris.withQuery(URI.create(tenant.get() + "/v2/logout"), parameters));
        }
    }
}
