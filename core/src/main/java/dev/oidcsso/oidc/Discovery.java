package dev.oidcsso.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.observe.ForeignText;
import dev.oidcsso.observe.SsoEvents;
import net.minidev.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    private static final String WELL_KNOWN = "/.well-known/openid-configuration";
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final OidcSettings settings;
    private final OidcHttp http;
    private final Clock clock;
    private final SsoEvents events;

    /**
     * Creates the discovery step, with the system clock for the key cache and no observer.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     */
    public Discovery(OidcSettings settings, OidcHttp http) {
        this(settings, http, Clock.systemUTC(), SsoEvents.NONE);
    }

    /**
     * Creates the discovery step.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     * @param clock    the clock of the key cache (ages, refetch intervals, outage tolerance)
     */
    public Discovery(OidcSettings settings, OidcHttp http, Clock clock) {
        this(settings, http, clock, SsoEvents.NONE);
    }

    /**
     * Creates the discovery step, reporting every fetch of the signing keys.
     *
     * @param settings the settings
     * @param http     the sender to the IdP
     * @param clock    the key cache's clock
     * @param events   where key fetches are reported
     */
    public Discovery(OidcSettings settings, OidcHttp http, Clock clock, SsoEvents events) {
        this.settings = settings;
        this.http = http;
        this.clock = clock;
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
            throw new ProviderUnavailableException("the discovery document at " + url + " answered HTTP " + response.getStatusCode()
                    + wellKnownHint(url));
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
            // The IdP's text (the SDK quotes the document's values) reaches a log line on every retry: one bounded line.
            throw new ProviderUnavailableException("the discovery document at " + url + " is not valid: " + ForeignText.oneLine(e.getMessage(), 300)
                    + wellKnownHint(url), e);
        }
        if (!settings.profile().acceptsDiscoveredIssuer(url, issuer)) {
            throw new ProviderUnavailableException("the discovery document at " + url + " declares the issuer '" + ForeignText.oneLine(issuer, 300)
                    + "', which does not belong to that URL; check OIDC_DISCOVERY_URL (a document served for another issuer is refused)");
        }
        if (metadata.getJWKSetURI() == null || metadata.getTokenEndpointURI() == null || metadata.getAuthorizationEndpointURI() == null) {
            throw new ProviderUnavailableException("the discovery document at " + url
                    + " lacks jwks_uri, token_endpoint or authorization_endpoint");
        }
        warnOfPlainHttp(url, metadata);
        return new DiscoveredProvider(metadata, keySource(metadata), algorithms(metadata));
    }

    /**
     * The usual reason a discovery URL answers no document: the issuer's own URL was given (Keycloak's
     * realm URL answers JSON of another kind, other IdPs an error status), so the message says where
     * the document is when the URL does not end there.
     */
    static String wellKnownHint(URI url) {
        String path = url.getPath();
        return path != null && path.endsWith(WELL_KNOWN) ? ""
                : "; OIDC_DISCOVERY_URL usually is the issuer's URL followed by " + WELL_KNOWN;
    }

    /**
     * Keys, codes and tokens fetched over plain http can be swapped by anyone on the path. Loopback is
     * fine (development, a sidecar); another host works, as in a container network, but is named in a
     * warning rather than refused, so that a first try with {@code http://keycloak:8080} still runs.
     */
    private static void warnOfPlainHttp(URI url, OIDCProviderMetadata metadata) {
        List<String> plain = plainHttpEndpoints(url, metadata);
        if (!plain.isEmpty()) {
            LOG.warn("The IdP is reached over plain http ({}): signing keys and tokens can be changed or read on the way; "
                    + "use https outside a development machine", String.join(", ", plain));
        }
    }

    /**
     * The endpoints reached over plain http on a host other than this machine.
     *
     * @param url      the discovery URL
     * @param metadata the discovered document
     * @return each such endpoint's name and origin, sorted
     */
    static List<String> plainHttpEndpoints(URI url, OIDCProviderMetadata metadata) {
        List<String> plain = new ArrayList<>();
        for (Map.Entry<String, URI> endpoint : Map.of("the discovery URL", url,
                "jwks_uri", metadata.getJWKSetURI(), "token_endpoint", metadata.getTokenEndpointURI()).entrySet()) {
            URI uri = endpoint.getValue();
            if ("http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri.getHost())) {
                plain.add(endpoint.getKey() + " " + uri.getScheme() + "://" + uri.getHost());
            }
        }
        Collections.sort(plain);
        return plain;
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") || bare.startsWith("127.") || bare.equals("::1");
    }

    private JwksCache keySource(OIDCProviderMetadata metadata) {
        try {
            // Logins and bearer tokens refetch by different rules: see JwksCache.
            return new JwksCache(metadata.getJWKSetURI().toURL(), new ObservedRetriever(http.keyRetriever(), events), clock,
                    JwksCache.Policy.DEFAULT);
        } catch (MalformedURLException | IllegalArgumentException e) {
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
