package dev.oidcsso.auth;

import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.Identity;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.oidc.TokenValidator;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Authenticates API clients by {@code Authorization: Bearer <JWT>}: a token the configured IdP
 * issued (access token or ID token), validated against its JWKS, issuer and the configured
 * audience with the same algorithm rules as login; groups and role come from its claims by the
 * same detector rules. An opaque (non-JWT) or invalid token gets 401.
 */
public final class BearerAuthenticator implements Authenticator {

    private final ProviderConnection provider;
    private final TokenValidator validator;
    private final IdentityResolver identities;
    private final List<String> audiences;
    private final Accounts accounts;

    /**
     * Creates the authenticator.
     *
     * @param provider   the IdP connection
     * @param validator  the token validator
     * @param identities the identity rules
     * @param audiences  the accepted audiences ({@code OIDC_AUDIENCE}, by default the client id)
     * @param accounts   the recorded users
     */
    public BearerAuthenticator(ProviderConnection provider, TokenValidator validator, IdentityResolver identities,
                               List<String> audiences, Accounts accounts) {
        this.provider = provider;
        this.validator = validator;
        this.identities = identities;
        this.audiences = List.copyOf(audiences);
        this.accounts = accounts;
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<String> token = credentials(request, "bearer");
        if (token.isEmpty()) {
            return Optional.empty();
        }
        if (token.get().isEmpty()) {
            throw new TokenValidationException("the bearer token is empty");
        }
        var claims = validator.validateBearer(provider.require(), token.get(), audiences);
        Identity identity = identities.resolveToken(claims.toJSONObject());
        accounts.recordIfChanged(identity.username(), identity.groups());
        return Optional.of(new Principal(identity.username(), identity.groups(), identity.admin(), AuthMethod.BEARER, Optional.empty()));
    }

    /**
     * The credentials of an {@code Authorization} header of the given scheme.
     *
     * @param request the request
     * @param scheme  the scheme, lower case
     * @return the credentials (possibly empty), or empty when the header is absent or of another scheme
     */
    static Optional<String> credentials(WebRequest request, String scheme) {
        return request.header("Authorization").map(String::trim)
                .filter(value -> value.length() >= scheme.length() && value.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)
                        && (value.length() == scheme.length() || value.charAt(scheme.length()) == ' '))
                .map(value -> value.substring(scheme.length()).trim());
    }
}
