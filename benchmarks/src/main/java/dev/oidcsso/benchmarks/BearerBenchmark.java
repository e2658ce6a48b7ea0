package dev.oidcsso.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.auth.Accounts;
import dev.oidcsso.auth.BearerAuthenticator;
import dev.oidcsso.auth.BearerTokenCache;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.identity.ClaimGroupDetector;
import dev.oidcsso.identity.IdTokenIdentitySource;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.identity.NoIdentityValidator;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.TokenValidator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Bearer JWTs (RS256, 2048-bit key) through oidc-sso's {@link BearerAuthenticator} (signature,
 * claims, identity and groups, to a principal), beside Spring Security's {@link NimbusJwtDecoder}
 * on the same tokens and the floor: the JDK's RSA verify of the same signing input.
 *
 * <ul>
 *   <li>{@code *Repeated}: one token over and over, as a script sends it: oidc-sso answers from its
 *       verified-token cache (still checking {@code exp}/{@code nbf}), Spring verifies every time.</li>
 *   <li>{@code *Distinct}: 1 024 tokens in turn, each treated as never seen (oidc-sso with a cache of
 *       size 0), so every request is a full verification: the cost to compare with the floor.</li>
 *   <li>{@code oidcSsoDistinctCacheOn}: the same tokens with the cache on, as deployed: each token is
 *       one never seen, so each request also pays the digest, a miss and the note that it was
 *       verified once (a token is kept the second time it is verified). The cache is made anew at
 *       each round of the 1 024 tokens, so that no token is ever found in it.
 *       {@link BearerRequestBenchmark} measures the same through the whole {@code OidcSso.process}.</li>
 *   <li>{@code oidcSsoDistinctInTurn}: the issue's own case, 1 024 tokens in turn with the cache as
 *       deployed (default size): each token is verified in full its first two times, then answered
 *       from the cache until it expires, so after the warm-up this is the cache's figure.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BearerBenchmark {

    private static final int DISTINCT = 1024;
    private static final String ISSUER = "https://idp.example.com";
    /** Far fewer than the tokens: its 64 note slots are overwritten every round, so that no token is kept. */
    private static final int SMALL_CACHE = 64;

    private ProviderConnection connection;
    private BearerAuthenticator cached;
    private BearerAuthenticator uncached;
    private BearerAuthenticator cacheOn;
    private BearerAuthenticator deployed;
    private TokenValidator validator;
    private IdentityResolver identities;
    private Accounts accounts;
    private JwtDecoder spring;
    private BenchmarkRequest repeatedRequest;
    private String repeatedToken;
    private BenchmarkRequest[] distinctRequests;
    private String[] distinctTokens;
    private byte[][] signingInputs;
    private byte[][] signatures;
    private RSAPublicKey publicKey;
    private Signature rsa;
    private int next;

    /**
     * Makes a key, 1 025 signed tokens, both authenticators and Spring's decoder.
     *
     * @throws Exception if key generation or signing fails
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        publicKey = key.toRSAPublicKey();
        rsa = Signature.getInstance("SHA256withRSA");
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(ISSUER), List.of(SubjectType.PUBLIC),
                URI.create(ISSUER + "/jwks"));
        DiscoveredProvider provider = new DiscoveredProvider(metadata, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())),
                Set.of(JWSAlgorithm.RS256));
        OidcSettings settings = OidcSettings.builder().discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
                .client("bench", "bench-secret").secretKey("benchmark-secret-key-benchmark-secret-key").build();
        connection = new ProviderConnection(() -> provider).start();
        IdentityResolver identities = new IdentityResolver(settings, new IdTokenIdentitySource.Factory().create(PluginSettings.empty()),
                new NoIdentityValidator.Factory().create(PluginSettings.empty()), new ClaimGroupDetector("groups"),
                new RoleDecision(settings.adminGroups(), settings.userGroups()));
        validator = new TokenValidator(settings, Clock.systemUTC());
        accounts = new Accounts(Optional.empty());
        this.identities = identities;
        cached = new BearerAuthenticator(connection, validator, identities, List.of("bench"), accounts, new BearerTokenCache());
        deployed = new BearerAuthenticator(connection, validator, identities, List.of("bench"), accounts, new BearerTokenCache());
        uncached = new BearerAuthenticator(connection, validator, identities, List.of("bench"), accounts,
                new BearerTokenCache(0, BearerTokenCache.DEFAULT_MAX_AGE));
        spring = NimbusJwtDecoder.withPublicKey(publicKey).signatureAlgorithm(
                org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256).build();

        repeatedToken = sign(key, "alice");
        repeatedRequest = BenchmarkRequest.withHeader("Authorization", "Bearer " + repeatedToken);
        distinctTokens = new String[DISTINCT];
        distinctRequests = new BenchmarkRequest[DISTINCT];
        signingInputs = new byte[DISTINCT][];
        signatures = new byte[DISTINCT][];
        for (int k = 0; k < DISTINCT; k++) {
            distinctTokens[k] = sign(key, "user" + k);
            distinctRequests[k] = BenchmarkRequest.withHeader("Authorization", "Bearer " + distinctTokens[k]);
            String[] parts = distinctTokens[k].split("\\.");
            signingInputs[k] = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            signatures[k] = new Base64URL(parts[2]).decode();
        }
    }

    private static String sign(RSAKey key, String user) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject(user).audience("bench").claim("preferred_username", user)
                .claim("groups", List.of("mlflow", "data")).issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** Stops the provider connection's background thread. */
    @TearDown(Level.Trial)
    public void tearDown() {
        connection.close();
    }

    private int nextIndex() {
        next = (next + 1) & (DISTINCT - 1);
        return next;
    }

    /**
     * Floor: the JDK's RSA-2048 PKCS#1 v1.5 SHA-256 verify of one token's signing input, nothing else.
     *
     * @return the result
     * @throws Exception never for these inputs
     */
    @Benchmark
    public boolean floorRsaVerify() throws Exception {
        int k = nextIndex();
        rsa.initVerify(publicKey);
        rsa.update(signingInputs[k]);
        return rsa.verify(signatures[k]);
    }

    /**
     * oidc-sso, the same token repeated: the verified-token cache.
     *
     * @return the principal
     */
    @Benchmark
    public Principal oidcSsoRepeated() {
        return cached.authenticate(repeatedRequest).orElseThrow();
    }

    /**
     * Spring Security's decoder, the same token repeated.
     *
     * @return the decoded JWT
     */
    @Benchmark
    public Jwt springRepeated() {
        return spring.decode(repeatedToken);
    }

    /**
     * oidc-sso, a token it has not seen: parse, verify, claims, identity, principal.
     *
     * @return the principal
     */
    @Benchmark
    public Principal oidcSsoDistinct() {
        return uncached.authenticate(distinctRequests[nextIndex()]).orElseThrow();
    }

    /**
     * oidc-sso with its verified-token cache on, on tokens it has never seen: the cache's digest,
     * miss and note on top of {@link #oidcSsoDistinct}.
     *
     * @return the principal
     */
    @Benchmark
    public Principal oidcSsoDistinctCacheOn() {
        int k = nextIndex();
        if (k == 0 || cacheOn == null) {
            // A new round of the tokens: a new cache, so that each of them is again one it has never seen.
            cacheOn = new BearerAuthenticator(connection, validator, identities, List.of("bench"), accounts,
                    new BearerTokenCache(SMALL_CACHE, BearerTokenCache.DEFAULT_MAX_AGE));
        }
        return cacheOn.authenticate(distinctRequests[k]).orElseThrow();
    }

    /**
     * oidc-sso as deployed on 1 024 tokens in turn: after their first two rounds, all of them from the cache.
     *
     * @return the principal
     */
    @Benchmark
    public Principal oidcSsoDistinctInTurn() {
        return deployed.authenticate(distinctRequests[nextIndex()]).orElseThrow();
    }

    /**
     * Spring Security's decoder on the same distinct tokens.
     *
     * @return the decoded JWT
     */
    @Benchmark
    public Jwt springDistinct() {
        return spring.decode(distinctTokens[nextIndex()]);
    }
}
