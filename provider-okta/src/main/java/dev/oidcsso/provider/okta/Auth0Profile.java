package dev.oidcsso.provider.okta;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.HostOrUrl;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingValues;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.spi.LogoutRequestInfo;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.StandardChecks;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Auth0 (Okta Customer Identity). The discovery URL is built from {@code OIDC_AUTH0_DOMAIN}; Auth0
 * puts no groups in its tokens, so a post-login Action sets a namespaced custom claim, by default
 * {@code urn:mlflow:groups} as in the MLflow seed (any namespaced URL or URN can be configured in
 * {@code OIDC_GROUPS_ATTRIBUTE}). Logout uses the {@code end_session_endpoint} when the tenant
 * advertises it (RP-Initiated Logout enabled), otherwise Auth0's own
 * {@code /v2/logout?client_id=...&returnTo=...}.
 */
@AutoService(ProviderProfile.class)
public final class Auth0Profile implements ProviderProfile {

    /** The claim a post-login Action sets by default, as in the MLflow seed. */
    public static final String DEFAULT_GROUPS_CLAIM = "urn:mlflow:groups";

    /** Creates the profile; the framework finds it with {@link java.util.ServiceLoader}. */
    public Auth0Profile() {
    }

    @Override
    public String name() {
        return "auth0";
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
    public Optional<URI> discoveryUrl(SettingValues values) {
        return values.get(OktaSettings.AUTH0_DOMAIN).flatMap(HostOrUrl::tryParse)
                .map(base -> URI.create(base + StandardChecks.WELL_KNOWN));
    }

    @Override
    public List<String> validate(SettingValues values) {
        List<String> problems = new ArrayList<>();
        values.get(OktaSettings.AUTH0_DOMAIN).ifPresent(domain -> HostOrUrl.parse(OktaSettings.AUTH0_DOMAIN, domain, problems));
        if (values.get(SettingNames.DISCOVERY_URL).isEmpty() && values.get(OktaSettings.AUTH0_DOMAIN).isEmpty()) {
            problems.add(OktaSettings.AUTH0_DOMAIN + " is not set: give the Domain from the Auth0 application's "
                    + "Settings page (for example my-tenant.us.auth0.com), or set " + SettingNames.DISCOVERY_URL);
        }
        return problems;
    }

    @Override
    public Optional<URI> logoutUri(LogoutRequestInfo request, OidcSettings settings) {
        if (request.endSessionEndpoint().isPresent()) {
            return Optional.empty(); // the core builds the standard RP-initiated logout URL
        }
        URI base = settings.values().get(OktaSettings.AUTH0_DOMAIN).flatMap(HostOrUrl::tryParse)
                .orElseGet(() -> origin(settings.discoveryUrl()));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("client_id", request.clientId());
        parameters.put("returnTo", request.postLogoutRedirectUri().toString());
        return Optional.of(LogoutUris.withQuery(URI.create(base + "/v2/logout"), parameters));
    }

    /** Auth0 serves discovery at the root of the tenant domain, so its origin is the tenant's. */
    private static URI origin(URI url) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority());
    }
}
