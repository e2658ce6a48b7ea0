package dev.oidcsso.spi;

import java.net.URI;

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
}
