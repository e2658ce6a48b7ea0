package dev.oidcsso.web;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.Authenticator;
import dev.oidcsso.auth.BearerAuthenticator;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.login.IdentityProvider;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bearer tokens of several browser-login IdPs: each token goes to the bearer authenticator of the IdP
 * whose issuer its (not yet verified) {@code iss} names (as that IdP's profile reads it: a multi-tenant
 * IdP accepts its tenants' issuers), and is verified there with that
 * IdP's keys, audiences and identity rules only. A token naming none goes to the first IdP, which
 * refuses it with the usual 401 (or 503 while that IdP is down).
 */
final class BearerByIssuer implements Authenticator {

    private record Route(IdentityProvider idp, BearerAuthenticator bearer) {
    }

    private final List<Route> routes = new ArrayList<>();

    BearerByIssuer(List<IdentityProvider> idps, Accounts accounts) {
        for (IdentityProvider idp : idps) {
            routes.add(new Route(idp, new BearerAuthenticator(idp.connection(), idp.tokens(), idp.identities(),
                    idp.view().audiences(), accounts)));
        }
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<JWTClaimsSet> claims = request.header("Authorization").map(String::trim)
                .filter(value -> value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer "))
                .flatMap(value -> claims(value.substring(7).trim()))
                .filter(set -> set.getIssuer() != null);
        Route route = claims.flatMap(set -> routes.stream()
                        .filter(candidate -> candidate.idp().connection().current()
                                .filter(discovered -> candidate.idp().view().profile().acceptsTokenIssuer(discovered.issuer(), set))
                                .isPresent())
                        .findFirst())
                .orElse(routes.get(0));
        return route.bearer().authenticate(request);
    }

    private static Optional<JWTClaimsSet> claims(String token) {
        if (token.length() > dev.oidcsso.oidc.TokenValidator.MAX_TOKEN_LENGTH) {
            return Optional.empty(); // not parsed: the first IdP's validator refuses it for its length
        }
        try {
            return Optional.of(JWTParser.parse(token).getJWTClaimsSet());
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
