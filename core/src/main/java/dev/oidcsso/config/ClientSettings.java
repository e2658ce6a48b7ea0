package dev.oidcsso.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The OAuth client and its identity provider (Spring's {@code ClientRegistration} with its
 * {@code ProviderDetails}): where the IdP is, who this client is, what it asks for, and how long it
 * waits and tolerates.
 *
 * @param discoveryUrl          the discovery document URL ({@code OIDC_DISCOVERY_URL}, or built by the
 *                              provider profile); empty only when OIDC login is off and none was given
 * @param clientId              {@code OIDC_CLIENT_ID}
 * @param clientSecret          {@code OIDC_CLIENT_SECRET}, empty for a public client
 * @param authMethod            {@code OIDC_CLIENT_AUTH_METHOD}
 * @param redirectUri           {@code OIDC_REDIRECT_URI}, empty to work it out from each request
 * @param scopes                {@code OIDC_SCOPE}, always including {@code openid}
 * @param audiences             {@code OIDC_AUDIENCE}, by default the client id
 * @param postLogoutRedirectUri {@code OIDC_POST_LOGOUT_REDIRECT_URI}
 * @param clockSkew             {@code OIDC_CLOCK_SKEW}, at most five minutes
 * @param httpTimeout           {@code OIDC_HTTP_TIMEOUT}
 */
public record ClientSettings(Optional<URI> discoveryUrl, String clientId, Optional<Secret> clientSecret,
                             ClientAuthMethod authMethod, Optional<URI> redirectUri, List<String> scopes,
                             List<String> audiences, Optional<URI> postLogoutRedirectUri, Duration clockSkew,
                             Duration httpTimeout) {

    /** The most {@code OIDC_CLOCK_SKEW} may be: more would accept long-expired tokens. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    /**
     * Copies the lists.
     *
     * @param discoveryUrl          the discovery URL
     * @param clientId              the client id
     * @param clientSecret          the client secret
     * @param authMethod            the client authentication method
     * @param redirectUri           the fixed redirect URI
     * @param scopes                the scopes
     * @param audiences             the bearer audiences
     * @param postLogoutRedirectUri where to go after logout
     * @param clockSkew             the tolerated skew
     * @param httpTimeout           the IdP call timeout
     */
    public ClientSettings {
        scopes = List.copyOf(scopes);
        audiences = List.copyOf(audiences);
    }

    /**
     * Parses the group.
     *
     * @param values         the merged settings
     * @param discoveryUrl   the discovery URL, already worked out with the provider profile
     * @param problems       where every problem is reported
     * @param oidcProblems   where problems that matter only with OIDC login are reported
     * @return the group, with defaults where a value was unusable
     */
    static ClientSettings parse(SettingValues values, Optional<URI> discoveryUrl, List<String> problems,
                                List<String> oidcProblems) {
        String clientId = SettingParsers.required(values, SettingNames.CLIENT_ID, "the client id registered at the IdP", oidcProblems);
        Optional<Secret> clientSecret = values.get(SettingNames.CLIENT_SECRET).map(Secret::of);
        ClientAuthMethod authMethod = values.get(SettingNames.CLIENT_AUTH_METHOD)
                .map(text -> ClientAuthMethod.parse(text).orElseGet(() -> {
                    problems.add(SettingNames.CLIENT_AUTH_METHOD + "='" + text
                            + "' is not one of client_secret_basic, client_secret_post, none");
                    return ClientAuthMethod.CLIENT_SECRET_BASIC;
                }))
                .orElse(ClientAuthMethod.CLIENT_SECRET_BASIC);
        if (authMethod != ClientAuthMethod.NONE && clientSecret.isEmpty()) {
            oidcProblems.add(SettingNames.CLIENT_SECRET + " is not set: give the client secret from the IdP, or set "
                    + SettingNames.CLIENT_AUTH_METHOD + "=none for a public client");
        }
        Optional<URI> redirectUri = values.get(SettingNames.REDIRECT_URI)
                .map(text -> SettingParsers.absoluteUri(SettingNames.REDIRECT_URI, text, problems));
        List<String> scopes = values.get(SettingNames.SCOPE).map(text -> SettingValues.splitList(text, true)).orElse(DEFAULT_SCOPES);
        if (!scopes.contains("openid")) {
            problems.add(SettingNames.SCOPE + "='" + String.join(" ", scopes) + "' lacks 'openid', without which the IdP issues no ID token");
        }
        Optional<URI> postLogout = values.get(SettingNames.POST_LOGOUT_REDIRECT_URI)
                .map(text -> SettingParsers.absoluteUri(SettingNames.POST_LOGOUT_REDIRECT_URI, text, problems));
        Duration clockSkew = SettingParsers.duration(values, SettingNames.CLOCK_SKEW, Duration.ofSeconds(60), problems);
        if (clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            problems.add(SettingNames.CLOCK_SKEW + " is " + clockSkew.toSeconds() + "s; more than " + MAX_CLOCK_SKEW.toSeconds()
                    + "s would accept long-expired tokens");
        }
        Duration httpTimeout = SettingParsers.duration(values, SettingNames.HTTP_TIMEOUT, Duration.ofSeconds(5), problems);
        List<String> audiences = SettingParsers.listOrDefault(values, SettingNames.AUDIENCE,
                clientId.isEmpty() ? List.of() : List.of(clientId));
        return new ClientSettings(discoveryUrl, clientId, clientSecret, authMethod, redirectUri, scopes, audiences,
                postLogout, clockSkew, httpTimeout);
    }
}
