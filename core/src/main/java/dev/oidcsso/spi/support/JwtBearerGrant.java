package dev.oidcsso.spi.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.oidcsso.OidcSsoException;

import java.net.URI;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Obtains an access token with the JWT-bearer grant of RFC 7523 (section 2.1): the client signs an
 * assertion with its private key (RS256) and trades it at the token endpoint. This is how a Google
 * service account with domain-wide delegation, among others, gets a token without a user.
 *
 * <p>The token is cached and reused until one minute before it expires, so a directory lookup per
 * login does not cost a token request per login. Thread-safe: one instance is shared by all logins.
 */
public final class JwtBearerGrant {

    /** The grant type of RFC 7523. */
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** How long before its expiry a cached token is replaced, so it never expires in flight. */
    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(60);
    /** The assertion's lifetime; Google accepts at most one hour. */
    private static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(60);

    private final URI tokenEndpoint;
    private final String issuer;
    private final String subject;
    private final List<String> scopes;
    private final RSAPrivateKey signingKey;
    private final String keyId;
    private final JsonHttp http;
    private final Clock clock;
    private final Object lock = new Object();
    private CachedToken cached;

    private JwtBearerGrant(Builder builder) {
        this.tokenEndpoint = Objects.requireNonNull(builder.tokenEndpoint, "tokenEndpoint");
        this.issuer = Objects.requireNonNull(builder.issuer, "issuer");
        this.subject = builder.subject;
        this.scopes = List.copyOf(builder.scopes);
        this.signingKey = Objects.requireNonNull(builder.signingKey, "signingKey");
        this.keyId = builder.keyId;
        this.http = Objects.requireNonNull(builder.http, "http");
        this.clock = builder.clock;
    }

    /**
     * A new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A valid access token, from the cache or freshly obtained.
     *
     * @return the access token; never log it
     * @throws JsonHttpException when the token endpoint refuses the assertion or cannot be reached
     */
    public String accessToken() {
        synchronized (lock) {
            Instant now = clock.instant();
            if (cached == null || !now.plus(REFRESH_MARGIN).isBefore(cached.expiresAt())) {
                cached = fetch(now);
            }
            return cached.value();
        }
    }

    /**
     * Forgets the cached token, for example after the directory refused it.
     */
    public void invalidate() {
        synchronized (lock) {
            cached = null;
        }
    }

    /**
     * The signed assertion this grant sends, for tests and diagnostics.
     *
     * @param now the issue time
     * @return the compact serialisation
     */
    String assertion(Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(tokenEndpoint.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString());
        if (subject != null) {
            claims.subject(subject);
        }
        if (!scopes.isEmpty()) {
            // Google reads the requested scopes from the assertion rather than from the form.
            claims.claim("scope", String.join(" ", scopes));
        }
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        if (keyId != null) {
            header.keyID(keyId);
        }
        SignedJWT jwt = new SignedJWT(header.build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(signingKey));
        } catch (JOSEException e) {
            throw new OidcSsoException(500, "cannot sign the JWT-bearer assertion for " + issuer
                    + ": " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private CachedToken fetch(Instant now) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("assertion", assertion(now));
        if (!scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        Map<String, Object> response = http.postForm(tokenEndpoint, form);
        Object token = response.get("access_token");
        if (!(token instanceof String value) || value.isEmpty()) {
            throw new JsonHttpException(200, "POST " + tokenEndpoint + " answered without an access_token", null);
        }
        long expiresIn = response.get("expires_in") instanceof Number number ? number.longValue() : 300;
        return new CachedToken(value, now.plusSeconds(expiresIn));
    }

    private record CachedToken(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "CachedToken[expiresAt=" + expiresAt + "]";
        }
    }

    /** Collects the grant's parameters. */
    public static final class Builder {
        private URI tokenEndpoint;
        private String issuer;
        private String subject;
        private List<String> scopes = List.of();
        private RSAPrivateKey signingKey;
        private String keyId;
        private JsonHttp http;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * The token endpoint, also the assertion's audience.
         *
         * @param tokenEndpoint for example {@code https://oauth2.googleapis.com/token}
         * @return this builder
         */
        public Builder tokenEndpoint(URI tokenEndpoint) {
            this.tokenEndpoint = tokenEndpoint;
            return this;
        }

        /**
         * The assertion's issuer: the client (a service account's {@code client_email}).
         *
         * @param issuer the issuer
         * @return this builder
         */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /**
         * The assertion's subject: the user the token acts for (Google's domain-wide delegation).
         * Without it the client acts for itself.
         *
         * @param subject the subject
         * @return this builder
         */
        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        /**
         * The requested scopes.
         *
         * @param scopes the scopes
         * @return this builder
         */
        public Builder scopes(List<String> scopes) {
            this.scopes = List.copyOf(scopes);
            return this;
        }

        /**
         * The key that signs the assertion, and its id if the server wants it in the header.
         *
         * @param signingKey the RSA private key
         * @param keyId      the key id, or {@code null} for none
         * @return this builder
         */
        public Builder signingKey(RSAPrivateKey signingKey, String keyId) {
            this.signingKey = signingKey;
            this.keyId = keyId;
            return this;
        }

        /**
         * The HTTP client for the token endpoint.
         *
         * @param http the client
         * @return this builder
         */
        public Builder http(JsonHttp http) {
            this.http = http;
            return this;
        }

        /**
         * The clock, for tests.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the grant.
         *
         * @return the grant
         */
        public JwtBearerGrant build() {
            return new JwtBearerGrant(this);
        }
    }
}
