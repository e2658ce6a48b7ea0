package dev.oidcsso.login;

import dev.oidcsso.config.IdpSettings;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.oidc.LogoutTokenValidator;
import dev.oidcsso.oidc.LogoutUris;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.TokenValidator;

import java.util.Objects;

/**
 * One identity provider for browser logins with everything that talks to it: its own connection
 * (discovery and keys, retried on their own, so an IdP that is down affects its own logins only), its
 * token validator, identity rules, login service, logout URLs and logout-token validator.
 *
 * @param settings     the IdP's settings: name, display name, e-mail domains, client, identity
 * @param view         the framework's settings as this IdP sees them ({@link OidcSettings#forIdp})
 * @param connection   the connection to the IdP
 * @param tokens       validates the IdP's tokens
 * @param identities   the IdP's identity source, validator, group detector and role
 * @param logins       the browser login through this IdP (and, for whoever refreshes a session, its flow)
 * @param logoutUris   where this IdP ends its session
 * @param logoutTokens validates this IdP's back-channel logout tokens
 */
public record IdentityProvider(IdpSettings settings, OidcSettings view, ProviderConnection connection, TokenValidator tokens,
                               IdentityResolver identities, LoginService logins, LogoutUris logoutUris,
                               LogoutTokenValidator logoutTokens) {

    /**
     * Checks that every part is present.
     *
     * @param settings     the IdP's settings
     * @param view         the settings as this IdP sees them
     * @param connection   the connection
     * @param tokens       the token validator
     * @param identities   the identity rules
     * @param logins       the login service
     * @param logoutUris   the logout URLs
     * @param logoutTokens the logout-token validator
     */
    public IdentityProvider {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(identities, "identities");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(logoutUris, "logoutUris");
        Objects.requireNonNull(logoutTokens, "logoutTokens");
    }

    /** @return the IdP's name, as in {@code OIDC_PROVIDERS} ({@value IdpSettings#DEFAULT_NAME} for a single IdP) */
    public String name() {
        return settings.name();
    }

    /** @return whether the IdP has been discovered, so that logins through it can start */
    public boolean up() {
        return connection.current().isPresent();
    }

    @Override
    public String toString() {
        return "IdentityProvider[" + name() + "]";
    }
}
