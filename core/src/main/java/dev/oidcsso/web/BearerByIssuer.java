package dev.oidcsso.web;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.Authenticator;
import dev.oidcsso.auth.BearerAuthenticator;
import dev.oidcsso.auth.BearerTokenCache;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.login.IdentityProvider;
import dev.oidcsso.oidc.JwtParsing;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bearer tokens of several browser-login IdPs: each token goes to the bearer authenticator of the IdP
 * whose issuer its (not yet verified) {@code iss} names (as that IdP's profile reads it: a multi-tenant
 * IdP accepts its tenants' issuers), and is verified there with that
 * IdP's keys, audiences and identity rules only. A token naming none goes to the first IdP, which
 * refuses it with the usual 401 (or 503 while that IdP is down).
 *
 * <p>Each IdP's cache of verified tokens is asked first, by the token's digest: a repeated token costs
 * one hash and a lookup per IdP, not a parse of its claims.
 */
final class BearerByIssuer implements Authenticator {

    private record Route(IdentityProvider idp, BearerAuthenticator bearer, BearerTokenCache cache) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final Function<String, Optional<JWTClaimsSet>> parser;

    BearerByIssuer(List<IdentityProvider> idps, Accounts accounts) {
        this(idps, accounts, BearerByIssuer::claims);
    }

    /** With the parser of not yet verified claims given, so a test can count its calls. */
    BearerByIssuer(List<IdentityProvider> idps, Accounts accounts, Function<String, Optional<JWTClaimsSet>> parser) {
        for (IdentityProvider idp : idps) {
            BearerTokenCache cache = new BearerTokenCache();
            routes.add(new Route(idp, new BearerAuthenticator(idp.connection(), idp.tokens(), idp.identities(),
                    idp.view().audiences(), accounts, cache), cache));
        }
        this.parser = parser;
    }

    /** How many verified tokens the named IdP's own cache holds, for tests. */
    long cachedTokens(String idpName) {
        return routes.stream().filter(route -> route.idp().name().equals(idpName)).findFirst().orElseThrow().cache().size();
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<String> token = BearerAuthenticator.bearerToken(request).filter(value -> !value.isEmpty());
        if (token.isEmpty()) {
            return routes.get(0).bearer().authenticate(request); // another scheme, or a bare "Bearer": its usual answer
        }
        BearerAuthenticator.Presented presented = routes.get(0).bearer().present(token.get());
        // A repeated token is answered by the cache of the IdP that verified it, without a parse. Each IdP's cache
        // holds only what that IdP's own keys verified, so asking them all cannot let one IdP answer for another.
        for (Route route : routes) {
            Optional<Principal> cached = route.bearer().authenticateCached(presented);
            if (cached.isPresent()) {
                return cached;
            }
        }
        Optional<JWTClaimsSet> claims = parser.apply(presented.token()).filter(set -> set.getIssuer() != null);
        Route route = claims.flatMap(set -> routes.stream()
                        .filter(candidate -> candidate.idp().connection().current()
                                .filter(discovered -> candidate.idp().view().profile().acceptsTokenIssuer(discovered.issuer(), set))
                                .isPresent())
                        .findFirst())
                .orElse(routes.get(0));
        return Optional.of(route.bearer().authenticate(presented));
    }

    static Optional<JWTClaimsSet> claims(String token) {
        if (token.length() > dev.oidcsso.oidc.TokenValidator.MAX_TOKEN_LENGTH) {
            return Optional.empty(); // not parsed: the first IdP's validator refuses it for its length
        }
        try {
            return Optional.of(JwtParsing.parse(token).getJWTClaimsSet());
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
