package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.observe.SsoEvents;
import net.minidev.json.JSONObject;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fetches and checks the discovery document, and prepares the key source.
 */
public final class Discovery {

    /** The JWS families that verify with a public key; HMAC would need a secret shared with the IdP. */
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.copyOf(List.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.Ed25519, JWSAlgorithm.EdDSA));
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024;

    private final OidcSettings settings;
    private final OidcHttp http;
    private final SsoEvents events;

    /**
     * Creates the discovery step.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     */
    public Discovery(OidcSettings settings, OidcHttp http) {
        this(settings, http, SsoEvents.NONE);
    }

    /**
     * Creates the discovery step, reporting every fetch of the signing keys.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     * @param events   where key fetches are reported
     */
    public Discovery(OidcSettings settings, OidcHttp http, SsoEvents events) {
        this.settings = settings;
        this.http = http;
        this.events = events;
    }

    /**
     * Fetches the discovery document and checks it.
     *
     * @return the discovered provider
     * @throws ProviderUnavailableException when the document cannot be fetched or is unusable
     */
    public DiscoveredProvider discover() {
        URI url = settings.discoveryUrl();
        HTTPRequest request;
        try {
            request = new HTTPRequest(HTTPRequest.Method.GET, url.toURL());
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new ProviderUnavailableException("the discovery URL " + url + " is not a URL", e);
        }
        request.setAccept("application/json");
        HTTPResponse response = http.send(request, "discovery document");
        if (response.getStatusCode() != 200) {
            throw new ProviderUnavailableException("the discovery document at " + url + " answered HTTP " + response.getStatusCode());
        }
        String body = response.getBody();
        if (body == null || body.length() > MAX_DOCUMENT_BYTES) {
            throw new ProviderUnavailableException("the discovery document at " + url + " is empty or too large");
        }
        OIDCProviderMetadata metadata;
        String issuer;
        try {
            JSONObject json = JSONObjectUtils.parse(body);
            issuer = JSONObjectUtils.getString(json, "issuer");
            // Entra ID's multi-tenant documents declare the literal issuer .../{tenantid}/v2.0, which
            // is no valid URI; Nimbus needs one, so the braces are percent-encoded for parsing only
            // (DiscoveredProvider.issuer() gives the declared text back) and the profile judges it.
            json.put("issuer", DiscoveredProvider.encodeBraces(issuer));
            metadata = OIDCProviderMetadata.parse(json);
        } catch (ParseException e) {
            throw new ProviderUnavailableException("the discovery document at " + url + " is not valid: " + e.getMessage(), e);
        }
        if (!settings.profile().acceptsDiscoveredIssuer(url, issuer)) {
            throw new ProviderUnavailableException("the discovery document at " + url + " declares the issuer '" + issuer
                    + "', which does not belong to that URL; check OIDC_DISCOVERY_URL (a document served for another issuer is refused)");
        }
        if (metadata.getJWKSetURI() == null || metadata.getTokenEndpointURI() == null || metadata.getAuthorizationEndpointURI() == null) {
            throw new ProviderUnavailableException("the discovery document at " + url
                    + " lacks jwks_uri, token_endpoint or authorization_endpoint");
        }
        return new DiscoveredProvider(metadata, keySource(metadata), algorithms(metadata));
    }

    private JWKSource<SecurityContext> keySource(OIDCProviderMetadata metadata) {
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(http.timeoutMillis(), http.timeoutMillis(), MAX_DOCUMENT_BYTES);
        try {
            // Cache keys for 15 minutes, refetch at most every 30 s on an unknown kid (key rotation
            // without letting forged kids hammer the IdP), and keep serving cached keys for 12 hours
            // while the JWKS endpoint is down.
            return JWKSourceBuilder.create(metadata.getJWKSetURI().toURL(), new ObservedRetriever(retriever, events))
                    .cache(15 * 60_000L, http.timeoutMillis())
                    .rateLimited(30_000L)
                    .outageTolerant(12 * 3_600_000L)
                    .retrying(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new ProviderUnavailableException("jwks_uri is not a URL", e);
        }
    }

    private static Set<JWSAlgorithm> algorithms(OIDCProviderMetadata metadata) {
        Set<JWSAlgorithm> allowed = new LinkedHashSet<>();
        if (metadata.getIDTokenJWSAlgs() != null) {
            metadata.getIDTokenJWSAlgs().stream().filter(ASYMMETRIC::contains).forEach(allowed::add);
        }
        if (allowed.isEmpty()) {
            allowed.add(JWSAlgorithm.RS256); // mandatory for every OpenID provider (OIDC Core 15.1)
        }
        return allowed;
    }
}
