package dev.oidcsso.login;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.IdpSettings;
import dev.oidcsso.oidc.JwtParsing;
import dev.oidcsso.oidc.LoginState;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity providers for browser logins, by name: the one place that says which IdP a login, a
 * callback, a session or a logout token belongs to. A session records its IdP's name
 * ({@code SessionManager.idp}); whatever must reach that IdP again (the logout, a token refresh)
 * finds it with {@link #ofSession(Optional)}, and a session whose IdP is not configured is refused.
 */
public final class IdentityProviders implements AutoCloseable {

    private final Map<String, IdentityProvider> byName = new LinkedHashMap<>();
    private final IdentityProvider first;

    /**
     * Creates the registry.
     *
     * @param idps the IdPs, in the order of {@code OIDC_PROVIDERS}; at least one, names unique
     * @throws IllegalArgumentException when empty or when two share a name
     */
    public IdentityProviders(List<IdentityProvider> idps) {
        if (idps.isEmpty()) {
            throw new IllegalArgumentException("at least one identity provider is needed");
        }
        for (IdentityProvider idp : idps) {
            if (byName.putIfAbsent(idp.name(), idp) != null) {
                throw new IllegalArgumentException("two identity providers are named " + idp.name());
            }
        }
        this.first = idps.get(0);
    }

    /** @return every IdP, in the configured order */
    public List<IdentityProvider> all() {
        return List.copyOf(byName.values());
    }

    /** @return the first IdP: the only one of a single-IdP setup, and the one meant where none is named */
    public IdentityProvider first() {
        return first;
    }

    /** @return whether there is more than one IdP to choose from */
    public boolean several() {
        return byName.size() > 1;
    }

    /**
     * The IdP of this name.
     *
     * @param name a name from {@code OIDC_PROVIDERS}
     * @return the IdP, or empty when none has this name
     */
    public Optional<IdentityProvider> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The IdP a session signed in with, to log out (or refresh) through it.
     *
     * @param name the name the session recorded, empty for a session that recorded none
     * @return that IdP; the first one when the session names none (one sealed before IdPs were named); empty
     *         when it names an IdP not configured: such a session is refused, since no other IdP may refresh it,
     *         sign it out or judge its groups
     */
    public Optional<IdentityProvider> ofSession(Optional<String> name) {
        return name.isEmpty() ? Optional.of(first) : byName(name.get());
    }

    /**
     * The IdP whose {@code OIDC_<IDP>_EMAIL_DOMAINS} serve an e-mail address (the login chooser's hint).
     *
     * @param email the address the user typed
     * @return the first IdP serving its domain, or empty
     */
    public Optional<IdentityProvider> byEmail(String email) {
        return byName.values().stream().filter(idp -> idp.settings().servesEmail(email)).findFirst();
    }

    /**
     * The IdP that issued a token, by the token's (not yet verified) {@code iss}: the token is then
     * verified against that IdP's keys and rules only, so that no IdP can speak for another.
     *
     * @param token a JWT, such as a back-channel logout token
     * @return the discovered IdP whose issuer the token names (as its profile reads it); with one IdP, that one whatever the token
     *         says (its validator refuses a foreign issuer, and a multi-tenant IdP's issuers differ from
     *         the discovered template); empty when several are configured and none matches
     */
    public Optional<IdentityProvider> byTokenIssuer(String token) {
        if (!several()) {
            return Optional.of(first);
        }
        JWTClaimsSet claims;
        try {
            claims = JwtParsing.parse(token).getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
        if (claims.getIssuer() == null) {
            return Optional.empty();
        }
        return byName.values().stream()
                .filter(idp -> idp.connection().current()
                        .filter(discovered -> idp.view().profile().acceptsTokenIssuer(discovered.issuer(), claims)).isPresent())
                .findFirst();
    }

    /**
     * Completes a login at the one callback route: the sealed login state names the IdP the login
     * went to, and only that IdP's login service sees the response. A response of IdP A presented with
     * the state of a login at IdP B is checked against B (its RFC 9207 {@code iss}, its token endpoint,
     * its ID token issuer and keys) and refused.
     *
     * @param sealedState the login state cookie's value, if the browser sent one
     * @param params      the callback's query parameters
     * @return the session, or the typed refusal
     */
    public LoginOutcome complete(Optional<String> sealedState, Map<String, String> params) {
        Optional<LoginState> state = sealedState.flatMap(first.logins().flow()::openState);
        String name = state.map(LoginState::idp).orElse("");
        if (name.isEmpty()) {
            // No state (the login service says why), or one sealed before IdPs were named: the first IdP's.
            return first.logins().completeOpened(state, params);
        }
        Optional<IdentityProvider> idp = byName(name);
        if (idp.isEmpty()) {
            // The configuration changed while the user was at the IdP.
            LoginExpiredException gone = new LoginExpiredException("This login went to an identity provider that is no "
                    + "longer configured. Please sign in again.");
            Audit.event("login refused", "status", gone.status(), "reason", gone.getMessage());
            return new LoginOutcome.Refused(gone);
        }
        // Opened once: every IdP's flow seals its login states with the same key and purpose.
        return idp.get().logins().completeOpened(state, params);
    }

    /**
     * Whether each IdP has been discovered, by name.
     *
     * @return each IdP's name and whether it is up, in the configured order
     */
    public Map<String, Boolean> status() {
        Map<String, Boolean> status = new LinkedHashMap<>();
        byName.values().forEach(idp -> status.put(idp.name(), idp.up()));
        return status;
    }

    /** @return the names and display names, for the login chooser */
    public Map<String, String> displayNames() {
        Map<String, String> names = new LinkedHashMap<>();
        byName.values().forEach(idp -> names.put(idp.name(), idp.settings().displayName()));
        return names;
    }

    /**
     * The IdPs' settings, for what shows them.
     *
     * @return each IdP's settings, in the configured order
     */
    public List<IdpSettings> settings() {
        return byName.values().stream().map(IdentityProvider::settings).toList();
    }

    @Override
    public void close() {
        byName.values().forEach(idp -> idp.connection().close());
    }
}
