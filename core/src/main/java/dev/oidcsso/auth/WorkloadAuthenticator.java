package dev.oidcsso.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.oidcsso.config.WorkloadSettings;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.ClaimPath;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.observe.ForeignText;
import dev.oidcsso.observe.LogThrottle;
import dev.oidcsso.oidc.JwtParsing;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.spi.support.JsonHttpException;
import dev.oidcsso.oidc.JwksCache;
import dev.oidcsso.oidc.OidcHttp;
import dev.oidcsso.oidc.ProviderUnavailableException;
import dev.oidcsso.oidc.TokenValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.net.URI;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates pipelines and services by {@code Authorization: Bearer <JWT>} from a configured
 * workload issuer ({@code OIDC_WORKLOAD_ISSUERS}: GitHub Actions, GitLab CI, a Kubernetes cluster):
 * the token's signature against that issuer's keys (its own JWKS, found by discovery or given),
 * its exact {@code iss}, one of the configured audiences, its times, and every configured claim
 * rule. A token that passes stands for the configured user and groups, so a pipeline gets exactly
 * the rights granted to them; it is recorded like a bearer user, so an administrator sees, grants
 * and can disable it.
 *
 * <p>It only looks at tokens whose unverified {@code iss} is a configured workload issuer; every
 * other bearer token is left to the IdP's {@link BearerAuthenticator}, which refuses an unknown
 * issuer with 401. Each issuer's keys are fetched and cached apart, so an issuer that is down
 * affects its own tokens only (503), never the IdP's logins or another issuer's tokens.
 *
 * <p>A token that passed is remembered ({@link WorkloadTokenCache}: bounded, at most five minutes) with
 * what it authenticated as, so a pipeline repeating it is not verified again; its times are still
 * checked on every request, its user is still refused once disabled, and it is dropped once its key
 * leaves the issuer's JWKS.
 */
public final class WorkloadAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadAuthenticator.class);
    private static final int MAX_TOKEN_LENGTH = 64 * 1024;
    /** How long a failed discovery is remembered before the next token tries again. */
    private static final Duration RETRY = Duration.ofSeconds(5);
    /** Signatures with a public key only: an HMAC would need a secret shared with the issuer. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final Map<String, IssuerKeys> byIssuer = new LinkedHashMap<>();
    private final Map<String, List<WorkloadSettings.Issuer>> configured = new LinkedHashMap<>();
    private final Accounts accounts;
    private final RoleDecision roles;
    private final Clock clock;
    private final Duration skew;
    private final WorkloadTokenCache cache = new WorkloadTokenCache();
    private final LogThrottle refusalLines;

    /**
     * Creates the authenticator.
     *
     * @param workloads the configured workload issuers
     * @param http      fetches discovery documents
     * @param timeout   the timeout of each fetch
     * @param accounts  the recorded users (a disabled workload user is refused)
     * @param roles     the role authority (a workload is an administrator only through an admin group)
     * @param clock     the clock for token times
     * @param skew      the tolerated clock skew
     */
    public WorkloadAuthenticator(WorkloadSettings workloads, JsonHttp http, Duration timeout, Accounts accounts, RoleDecision roles,
                                 Clock clock, Duration skew) {
        this.accounts = accounts;
        this.roles = roles;
        this.clock = clock;
        this.refusalLines = new LogThrottle(clock, Duration.ofMinutes(1));
        this.skew = skew;
        ResourceRetriever retriever = new OidcHttp(timeout).keyRetriever();
        for (WorkloadSettings.Issuer issuer : workloads.issuers()) {
            configured.computeIfAbsent(issuer.issuer(), key -> new ArrayList<>()).add(issuer);
            byIssuer.computeIfAbsent(issuer.issuer(), key -> new IssuerKeys(issuer, http, retriever, clock));
        }
    }

    @Override
    public Optional<Principal> authenticate(WebRequest request) {
        Optional<String> token = BearerAuthenticator.bearerToken(request);
        if (token.isEmpty() || token.get().isEmpty() || token.get().length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        Optional<String> issuer = unverifiedIssuer(token.get());
        if (issuer.isEmpty() || !configured.containsKey(issuer.get())) {
            return Optional.empty(); // the IdP's token, or an unknown issuer's, which the bearer authenticator refuses
        }
        List<WorkloadSettings.Issuer> candidates = configured.get(issuer.get());
        BearerTokenCache.Digest digest = cache.digest(token.get());
        Optional<WorkloadTokenCache.Entry> cached = cache.get(digest);
        if (cached.isPresent() && cached.get().issuer().equals(issuer.get())) {
            WorkloadTokenCache.Entry entry = cached.get();
            try {
                checkClaims(entry.claims(), entry.issuer());
            } catch (BadJWTException e) {
                cache.invalidate(digest);
                throw new TokenValidationException("the bearer token of workload issuer '" + candidates.get(0).name()
                        + "' was refused: " + e.getMessage());
            }
            if (!cache.keyCheckDue(entry) || published(byIssuer.get(entry.issuer()), entry)) {
                return Optional.of(admitted(entry.workload(), entry.principal(), entry.claims()));
            }
            // The issuer no longer publishes the key: every token it verified is verified again, and refused.
            cache.dropKey(entry);
        }
        Verified verified = verify(token.get(), byIssuer.get(issuer.get()), candidates);
        JWTClaimsSet claims = verified.claims();
        for (WorkloadSettings.Issuer candidate : candidates) {
            if (candidate.audiences().stream().noneMatch(claims.getAudience()::contains)) {
                continue;
            }
            Optional<String> failed = failedRule(candidate, claims);
            if (failed.isEmpty()) {
                // A workload token is a short-lived credential of a machine, not a person signing in: what it
                // creates (a personal access token) may not outlive it, or one leaked CI token would become a
                // credential that never expires.
                Principal principal = new Principal(candidate.user(), candidate.groups(), roles.isAdmin(candidate.groups()),
                        AuthMethod.BEARER, Optional.empty(), Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant));
                Principal admitted = admitted(candidate.name(), principal, claims);
                if (verified.keyId().isPresent() && verified.key().isPresent()) {
                    long lifetime = Duration.between(clock.instant(), claims.getExpirationTime().toInstant().plus(skew)).toNanos();
                    cache.put(digest, new WorkloadTokenCache.Entry(claims, issuer.get(), verified.keyId().get(), verified.key().get(),
                            candidate.name(), principal, lifetime));
                }
                return Optional.of(admitted);
            }
            // Anyone the issuer mints tokens for (any repository of a CI service) can send such tokens on every
            // request: one line a minute per rule, with how many were left out, tells the operator as much.
            refusalLines.admit(candidate.name() + "\u0000" + failed.get()).ifPresent(leftOut -> LOG.info(
                    "A token of workload issuer '{}' does not satisfy its claim rule on '{}'{}", candidate.name(), failed.get(),
                    leftOut == 0 ? "" : " (and " + leftOut + " more since the last such line)"));
        }
        // The answer names the issuer's setting only: the rules' expected values are the operator's business.
        throw new TokenValidationException("the bearer token of workload issuer '" + candidates.get(0).name()
                + "' does not satisfy the audience and claim rules configured for it");
    }

    /** Checks made on every request, cached or not: the workload's user is recorded, and refused once disabled. */
    private Principal admitted(String workload, Principal principal, JWTClaimsSet claims) {
        // Bound to the workload, so no person signing in under the same name can take its rights.
        accounts.recordWorkload(principal.username(), principal.groups(), Accounts.workloadIdentity(workload));
        // Disabling the workload's user ends tokens issued before it for good, as for every credential.
        accounts.requireNotRevoked(principal.username(),
                claims.getIssueTime() == null ? java.time.Instant.EPOCH : claims.getIssueTime().toInstant());
        return principal;
    }

    /** Whether the issuer still publishes the key that verified a cached token (its JWKS as cached, refetched as usual). */
    private boolean published(IssuerKeys keys, WorkloadTokenCache.Entry entry) {
        try {
            List<JWK> found = keys.source().get(new JWKSelector(new JWKMatcher.Builder().keyID(entry.keyId()).build()), null);
            boolean still = KeyConverter.toJavaKeys(found).contains(entry.key());
            if (still) {
                cache.keyConfirmed(entry);
            }
            return still;
        } catch (KeySourceException | ProviderUnavailableException e) {
            return false;
        }
    }

    /** A verified token and, when it names one and one key matched, the key that verified it. */
    private record Verified(JWTClaimsSet claims, Optional<String> keyId, Optional<Key> key) {
    }

    /** @return how many verified tokens are cached, for tests */
    long cachedTokens() {
        return cache.size();
    }

    /**
     * Whether each workload issuer's keys can be had (its discovery document and JWKS), for the
     * readiness report. An issuer's fetches are rate-limited as for tokens, so probes cannot hammer it.
     *
     * @return each issuer's setting name and whether it is up, in the configured order
     */
    public Map<String, Boolean> issuerStatus() {
        Map<String, Boolean> status = new LinkedHashMap<>();
        for (Map.Entry<String, IssuerKeys> entry : byIssuer.entrySet()) {
            boolean up;
            try {
                up = entry.getValue().source().available();
            } catch (ProviderUnavailableException e) {
                up = false;
            }
            for (WorkloadSettings.Issuer issuer : configured.get(entry.getKey())) {
                status.put(issuer.name(), up);
            }
        }
        return status;
    }

    /** @return the configured issuers' names, for the start-up log */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        configured.values().forEach(list -> list.forEach(issuer -> names.add(issuer.name())));
        return names;
    }

    private static Optional<String> unverifiedIssuer(String token) {
        try {
            JWT jwt = JwtParsing.parse(token);
            return jwt instanceof SignedJWT ? Optional.ofNullable(jwt.getJWTClaimsSet().getIssuer()) : Optional.empty();
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private Verified verify(String token, IssuerKeys keys, List<WorkloadSettings.Issuer> candidates) {
        String name = candidates.get(0).name();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        JWSVerificationKeySelector<SecurityContext> selector = new JWSVerificationKeySelector<>(ALGORITHMS, keys.source());
        List<Key> candidatesKeys = new ArrayList<>();
        String[] keyId = new String[1];
        processor.setJWSKeySelector((header, context) -> {
            List<? extends Key> selected = selector.selectJWSKeys(header, context);
            candidatesKeys.addAll(selected);
            keyId[0] = header.getKeyID();
            return selected;
        });
        processor.setJWTClaimsSetVerifier((claims, context) -> checkClaims(claims, candidates.get(0).issuer()));
        try {
            JWTClaimsSet claims = processor.process(token, null);
            // Only a token whose one named key verified it can be dropped with that key, so only such a token is cached.
            boolean oneKey = keyId[0] != null && candidatesKeys.size() == 1;
            return new Verified(claims, oneKey ? Optional.of(keyId[0]) : Optional.empty(),
                    oneKey ? Optional.of(candidatesKeys.get(0)) : Optional.empty());
        } catch (KeySourceException e) {
            LOG.warn("The keys of workload issuer '{}' cannot be fetched: {}", name, e.getMessage());
            throw new ProviderUnavailableException("the keys of workload issuer '" + name + "' cannot be fetched now", e);
        } catch (BadJWTException e) {
            throw new TokenValidationException("the bearer token of workload issuer '" + name + "' was refused: " + e.getMessage());
        } catch (BadJOSEException | com.nimbusds.jose.JOSEException | ParseException e) {
            throw new TokenValidationException("the bearer token of workload issuer '" + name + "' has no valid signature "
                    + "(accepted algorithms: RS, PS and ES families)");
        }
    }

    private void checkClaims(JWTClaimsSet claims, String issuer) throws BadJWTException {
        if (!issuer.equals(claims.getIssuer())) {
            throw new BadJWTException("its issuer is not the configured one");
        }
        if (claims.getAudience() == null || claims.getAudience().isEmpty()) {
            throw new BadJWTException("it has no audience (aud)");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new BadJWTException("it has no expiry (exp)");
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw new BadJWTException("it expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            throw new BadJWTException("it is not valid before " + nbf.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().isAfter(now.plus(skew))) {
            throw new BadJWTException("it was issued in the future");
        }
    }

    /** The first rule the claims break, by claim name, or empty when all hold. */
    private static Optional<String> failedRule(WorkloadSettings.Issuer issuer, JWTClaimsSet claims) {
        Map<String, Object> json = claims.toJSONObject();
        for (WorkloadSettings.ClaimRule rule : issuer.rules()) {
            Optional<Object> value = ClaimPath.read(json, rule.claim());
            boolean holds = value.isPresent() && (value.get() instanceof String || value.get() instanceof Number
                    || value.get() instanceof Boolean) && rule.matches(String.valueOf(value.get()));
            if (!holds) {
                return Optional.of(rule.claim());
            }
        }
        return Optional.empty();
    }

    /** One issuer's keys: its JWKS cache, made once its {@code jwks_uri} is known. */
    private static final class IssuerKeys {

        private final String name;
        private final String issuer;
        private final URI discoveryUrl;
        private final JsonHttp http;
        private final ResourceRetriever retriever;
        private final Clock clock;
        private volatile JwksCache keys;
        private volatile Instant failedAt = Instant.EPOCH;
        private volatile boolean failing;

        IssuerKeys(WorkloadSettings.Issuer settings, JsonHttp http, ResourceRetriever retriever, Clock clock) {
            this.name = settings.name();
            this.issuer = settings.issuer();
            this.discoveryUrl = settings.discoveryUrl();
            this.http = http;
            this.retriever = retriever;
            this.clock = clock;
            settings.jwksUrl().ifPresent(url -> this.keys = cache(url));
        }

        JwksCache source() {
            JwksCache known = keys;
            if (known != null) {
                return known;
            }
            synchronized (this) {
                if (keys != null) {
                    return keys;
                }
                if (failing && clock.instant().isBefore(failedAt.plus(RETRY))) {
                    throw new ProviderUnavailableException("the discovery document of workload issuer '" + name + "' cannot be had now");
                }
                try {
                    Map<String, Object> document = http.get(discoveryUrl);
                    if (!issuer.equals(document.get("issuer"))) {
                        throw new IllegalArgumentException("it declares another issuer than " + issuer);
                    }
                    if (!(document.get("jwks_uri") instanceof String jwksUri)) {
                        throw new IllegalArgumentException("it has no jwks_uri");
                    }
                    keys = cache(URI.create(jwksUri));
                    failing = false;
                    return keys;
                } catch (JsonHttpException | IllegalArgumentException e) {
                    failing = true;
                    failedAt = clock.instant();
                    LOG.warn("The discovery document of workload issuer '{}' at {} is unusable: {}", name, discoveryUrl,
                            ForeignText.oneLine(e.getMessage(), 300)); // URI.create quotes the document's jwks_uri
                    throw new ProviderUnavailableException("the discovery document of workload issuer '" + name + "' cannot be had now", e);
                }
            }
        }

        private JwksCache cache(URI url) {
            try {
                return new JwksCache(url.toURL(), retriever, clock, JwksCache.Policy.DEFAULT);
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new ProviderUnavailableException("the jwks_uri of workload issuer '" + name + "' is not a URL", e);
            }
        }
    }

}
