package dev.oidcsso.spi;

import com.nimbusds.jwt.JWTClaimsSet;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is particular about one family of identity providers, configured: created once at start-up
 * by its {@link ProviderProfileFactory} from the provider's own settings.
 *
 * <p>Every hook but {@link #name()} has a default that suits a standards-compliant IdP, so a profile
 * overrides only what its IdP does differently.
 */
public interface ProviderProfile {

    /**
     * The name of the profile, as its factory is selected in {@code OIDC_PROVIDER}.
     *
     * @return a lower-case name such as {@code generic} or {@code entra}
     */
    String name();

    /**
     * The discovery URL built from provider-specific settings (a tenant, a region and user pool, a
     * domain) when {@code OIDC_DISCOVERY_URL} is not given.
     *
     * @return the discovery URL, or empty when it cannot be built
     */
    default Optional<URI> discoveryUrl() {
        return Optional.empty();
    }

    /**
     * Whether the {@code issuer} of the discovery document is acceptable for the configured
     * discovery URL. The default demands that the discovery URL is the issuer followed by
     * {@code /.well-known/openid-configuration} (OpenID Connect Discovery 1.0, section 4.3).
     *
     * @param discoveryUrl the configured discovery URL
     * @param issuer       the {@code issuer} the document declares
     * @return true if the issuer belongs to the discovery URL
     */
    default boolean acceptsDiscoveredIssuer(URI discoveryUrl, String issuer) {
        return StandardChecks.issuerMatchesDiscoveryUrl(discoveryUrl, issuer);
    }

    /**
     * Whether a token's {@code iss} is acceptable. The default demands equality with the
     * discovered issuer; multi-tenant IdPs compare against a template.
     *
     * @param discoveredIssuer the issuer from the discovery document
     * @param claims           the token's claims (already signature-checked)
     * @return true if the token's issuer is acceptable
     */
    default boolean acceptsTokenIssuer(String discoveredIssuer, JWTClaimsSet claims) {
        return discoveredIssuer.equals(claims.getIssuer());
    }

    /**
     * Whether an issuer recorded earlier (the issuer a user is bound to, taken from an ID token this
     * profile accepted) is this IdP's. With several IdPs it decides which IdP's group names give a
     * user's role outside a session. The default asks {@link #acceptsTokenIssuer} about a token
     * naming only that issuer; a profile whose check needs other claims overrides it.
     *
     * @param discoveredIssuer the issuer from the discovery document
     * @param issuer           the recorded issuer
     * @return true when this IdP issues under that issuer
     */
    default boolean ownsIssuer(String discoveredIssuer, String issuer) {
        return acceptsTokenIssuer(discoveredIssuer, new JWTClaimsSet.Builder().issuer(issuer).build());
    }

    /**
     * Extra checks on a validated ID token or bearer token (a hosted domain, a tenant allow-list).
     *
     * @param claims the token's claims
     * @return why the token is refused, or empty to accept it
     */
    default Optional<String> checkToken(JWTClaimsSet claims) {
        return Optional.empty();
    }

    /**
     * Why a bearer token presented by an API client is not meant for this application, checked
     * instead of the ID token's {@code aud}/{@code azp} rules. The default demands that {@code aud}
     * names one of the accepted audiences (RFC 7519 section 4.1.3, RFC 9068 section 4); an IdP whose
     * access tokens carry the client elsewhere (Cognito's {@code client_id} with
     * {@code token_use=access}) overrides it.
     *
     * @param claims    the token's claims (signature, issuer and times already checked)
     * @param audiences the accepted audiences: {@code OIDC_AUDIENCE}, else the client id
     * @return why the token is refused (safe to show: no token content beyond claim names), or
     *         empty to accept it
     */
    default Optional<String> checkBearerAudience(JWTClaimsSet claims, Set<String> audiences) {
        return StandardChecks.audienceRefusal(claims, audiences);
    }

    /**
     * Whether the {@code email} claim among these identity claims is verified, so that it may serve
     * as the user name (a user name is the key of grants and tokens; an unverified address is one
     * anybody may type into their profile). The default demands {@code email_verified} true (the
     * boolean, or the string {@code "true"} some IdPs send), which suits Google, Okta, Cognito and
     * Keycloak; a profile overrides it only for an IdP with its own verification claim.
     *
     * @param claims the identity claims (from the ID token or UserInfo)
     * @return true when the {@code email} claim may be used as a user name
     */
    default boolean emailVerified(Map<String, Object> claims) {
        Object verified = claims.get("email_verified");
        return Boolean.TRUE.equals(verified) || verified instanceof String text && text.trim().equalsIgnoreCase("true");
    }

    /**
     * Extra parameters of the authorization request (for example Google's {@code hd}).
     *
     * @return parameter names to values
     */
    default Map<String, String> authorizationParameters() {
        return Map.of();
    }

    /**
     * The scopes the authorization request adds so that the IdP issues a refresh token, when
     * {@code OIDC_REFRESH_TOKENS} is on. The default asks for {@code offline_access} (OpenID Connect
     * Core 11) when the IdP advertises it in {@code scopes_supported}, and for nothing otherwise (an
     * IdP that does not advertise it may refuse the unknown scope). A profile whose IdP needs the
     * scope without advertising it, or refuses it, overrides this.
     *
     * @param advertised the IdP's {@code scopes_supported}, empty when it declares none
     * @return the scopes to add, possibly none
     */
    default Set<String> refreshTokenScopes(Set<String> advertised) {
        return advertised.contains("offline_access") ? Set.of("offline_access") : Set.of();
    }

    /**
     * Extra parameters of the authorization request that make the IdP issue a refresh token, when
     * {@code OIDC_REFRESH_TOKENS} is on (Google's {@code access_type=offline}). They are added to
     * {@link #authorizationParameters()}.
     *
     * @return parameter names to values
     */
    default Map<String, String> refreshTokenParameters() {
        return Map.of();
    }

    /**
     * Where to send the browser to end the IdP session, when the IdP does not advertise an
     * {@code end_session_endpoint} or needs another logout URL. The default is none: the logout is
     * then local only.
     *
     * @param request what is known about the logout
     * @return the IdP logout URL, or empty for a local logout
     */
    default Optional<URI> logoutUri(LogoutRequestInfo request) {
        return Optional.empty();
    }
}
