package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * The IdP as discovered: its metadata, its key source and the signature algorithms this client
 * accepts from it. Immutable; replaced as a whole when discovery runs again.
 *
 * @param metadata   the discovery document
 * @param keys       the IdP's signing keys, cached and refreshed on an unknown {@code kid}
 * @param algorithms the accepted JWS algorithms: asymmetric only, never {@code none} or HMAC
 */
public record DiscoveredProvider(OIDCProviderMetadata metadata, JWKSource<SecurityContext> keys,
                                 Set<JWSAlgorithm> algorithms) {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param metadata   the discovery document
     * @param keys       the IdP's signing keys, cached and refreshed on an unknown {@code kid}
     * @param algorithms the accepted JWS algorithms: asymmetric only, never {@code none} or HMAC
     */
    public DiscoveredProvider {
        algorithms = Set.copyOf(algorithms);
    }

    /** @return the issuer the IdP declared, with a {@code {tenantid}}-style placeholder as declared */
    public String issuer() {
        return metadata.getIssuer().getValue().replace("%7B", "{").replace("%7D", "}");
    }

    /**
     * Percent-encodes braces, which a declared issuer template such as Entra ID's
     * {@code https://login.microsoftonline.com/{tenantid}/v2.0} contains but a URI may not.
     *
     * @param issuer the declared issuer
     * @return the issuer with {@code {} and {@code }} encoded
     */
    static String encodeBraces(String issuer) {
        return issuer.replace("{", "%7B").replace("}", "%7D");
    }

    /** @return the {@code end_session_endpoint}, if advertised */
    public Optional<URI> endSessionEndpoint() {
        return Optional.ofNullable(metadata.getEndSessionEndpointURI());
    }

    /** @return the UserInfo endpoint, if advertised */
    public Optional<URI> userInfoEndpoint() {
        return Optional.ofNullable(metadata.getUserInfoEndpointURI());
    }

    /** @return whether the IdP sends the RFC 9207 {@code iss} authorization response parameter */
    public boolean sendsIssuerParameter() {
        return metadata.supportsAuthorizationResponseIssuerParam();
    }
}
