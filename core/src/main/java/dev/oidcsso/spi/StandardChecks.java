package dev.oidcsso.spi;

import com.nimbusds.jwt.JWTClaimsSet;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Standard checks that profiles reuse.
 */
public final class StandardChecks {

    /** The path suffix of an OpenID Connect discovery document. */
    public static final String WELL_KNOWN = "/.well-known/openid-configuration";

    private StandardChecks() {
    }

    /**
     * Whether {@code discoveryUrl} is {@code issuer} + {@code /.well-known/openid-configuration}
     * (a trailing slash on the issuer tolerated, as OpenID Connect Discovery 1.0 says to remove it).
     *
     * @param discoveryUrl the configured discovery URL
     * @param issuer       the declared issuer
     * @return true when they belong together
     */
    public static boolean issuerMatchesDiscoveryUrl(URI discoveryUrl, String issuer) {
        if (issuer == null || issuer.isEmpty()) {
            return false;
        }
        String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return discoveryUrl.toString().equals(trimmed + WELL_KNOWN);
    }

    /**
     * Why a bearer token's {@code aud} is missing or names none of the accepted audiences.
     *
     * @param claims    the token's claims
     * @param audiences the accepted audiences
     * @return the refusal, or empty when one audience matches
     */
    public static Optional<String> audienceRefusal(JWTClaimsSet claims, Set<String> audiences) {
        List<String> audience = claims.getAudience();
        if (audience == null || audience.isEmpty()) {
            return Optional.of("it has no audience (aud)");
        }
        for (String one : audience) { // a loop, not a stream: this runs on every bearer token
            if (audiences.contains(one)) {
                return Optional.empty();
            }
        }
        return Optional.of("its audience " + audience + " does not include " + audiences);
    }
}
