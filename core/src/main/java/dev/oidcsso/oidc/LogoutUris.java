package dev.oidcsso.oidc;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.spi.LogoutRequestInfo;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Works out where to send the browser to end the IdP session (OpenID Connect RP-Initiated Logout):
 * the provider profile's own logout URL when it has one (Cognito, Auth0 without discovery), else
 * the advertised {@code end_session_endpoint} with {@code id_token_hint}, {@code client_id} and
 * {@code post_logout_redirect_uri}; else none, and the logout is local only.
 */
public final class LogoutUris {

    private final OidcSettings settings;

    /**
     * Creates the helper.
     *
     * @param settings the settings
     */
    public LogoutUris(OidcSettings settings) {
        this.settings = settings;
    }

    /**
     * The IdP logout URL. The ID token goes into it only when it carries a {@code nonce}: the URL stays
     * in the browser's history and the IdP's logs, and the bearer check refuses ID tokens with one. The
     * login's always has one; a session refreshed by an earlier version, which kept the refreshed ID
     * token (often without), signs out without a hint.
     *
     * @param provider       the discovered IdP, if discovered
     * @param idToken        the session's ID token, if kept
     * @param postLogoutUri  where the IdP should send the browser afterwards
     * @return the URL, or empty for a local logout
     */
    public Optional<URI> idpLogoutUri(Optional<DiscoveredProvider> provider, Optional<String> idToken, URI postLogoutUri) {
        Optional<URI> endSession = provider.flatMap(DiscoveredProvider::endSessionEndpoint);
        Optional<String> hint = idToken.filter(LogoutUris::carriesNonce);
        LogoutRequestInfo info = new LogoutRequestInfo(endSession, settings.clientId(), hint, postLogoutUri);
        Optional<URI> custom = settings.profile().logoutUri(info);
        if (custom.isPresent()) {
            return custom;
        }
        return endSession.map(endpoint -> {
            Map<String, String> params = new LinkedHashMap<>();
            hint.ifPresent(token -> params.put("id_token_hint", token));
            params.put("client_id", settings.clientId());
            params.put("post_logout_redirect_uri", postLogoutUri.toString());
            return withQuery(endpoint, params);
        });
    }

    private static boolean carriesNonce(String idToken) {
        try {
            // Sealed with the session after validation at login: authentic; only its kind is asked here.
            return JwtParsing.parse(idToken).getJWTClaimsSet().getClaim("nonce") != null;
        } catch (ParseException e) {
            return false;
        }
    }

    /**
     * Appends query parameters to a URL that may already have some.
     *
     * @param base   the URL
     * @param params the parameters to add, encoded here
     * @return the URL with the parameters
     */
    public static URI withQuery(URI base, Map<String, String> params) {
        String query = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String text = base.toString();
        return URI.create(text + (base.getRawQuery() == null ? "?" : "&") + query);
    }
}
