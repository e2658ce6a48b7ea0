package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.QueryString;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The sign-out URL (RP-Initiated Logout) stays in the browser's history and the IdP's logs, so its
 * {@code id_token_hint} must be no bearer credential: only an ID token with a {@code nonce} (refused
 * as a bearer token) goes into it.
 */
class LogoutUrisTest {

    private static final String ISSUER = "https://idp.example.com";
    private final LogoutUris logoutUris = new LogoutUris(OidcSettings.builder()
            .discoveryUrl(ISSUER + "/.well-known/openid-configuration").client("client-1", "secret-1").build());
    private final Optional<DiscoveredProvider> provider = Optional.of(discovered());
    private final URI after = URI.create("https://app.example.com/");

    private static DiscoveredProvider discovered() {
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(ISSUER), List.of(SubjectType.PUBLIC),
                URI.create(ISSUER + "/jwks"));
        metadata.setEndSessionEndpointURI(URI.create(ISSUER + "/logout"));
        return new DiscoveredProvider(metadata, null, Set.of(JWSAlgorithm.RS256));
    }

    private Map<String, String> params(Optional<String> idToken) {
        URI uri = logoutUris.idpLogoutUri(provider, idToken, after).orElseThrow();
        assertEquals(ISSUER + "/logout", uri.getScheme() + "://" + uri.getAuthority() + uri.getPath());
        return QueryString.parse(uri.getRawQuery());
    }

    private static String idToken(JWTClaimsSet.Builder claims) {
        return new PlainJWT(claims.issuer(ISSUER).subject("sub-1").audience("client-1").build()).serialize();
    }

    @Test
    void theLoginsIdTokenWithItsNonceIsTheHint() {
        String login = idToken(new JWTClaimsSet.Builder().claim("nonce", "n-1"));
        Map<String, String> params = params(Optional.of(login));
        assertEquals(login, params.get("id_token_hint"));
        assertEquals("client-1", params.get("client_id"));
        assertEquals(after.toString(), params.get("post_logout_redirect_uri"));
    }

    @Test
    void anIdTokenWithoutANonceIsNoHintItWouldWorkAsABearerToken() {
        Map<String, String> params = params(Optional.of(idToken(new JWTClaimsSet.Builder())));
        assertNull(params.get("id_token_hint"), params.toString());
        assertEquals("client-1", params.get("client_id"), "the logout still names the client");
        assertNull(params(Optional.of("not.a.jwt")).get("id_token_hint"));
        assertNull(params(Optional.empty()).get("id_token_hint"));
    }
}
