package dev.oidcsso.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.session.Session;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.Outcome;
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

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The per-request path of an already signed-in caller: the whole {@link OidcSso#process} for a
 * request with a session cookie (open the sealed cookie, look up the session record, build the principal),
 * and the validation of a bearer JWT against cached keys. Neither touches the network.
 *
 * <p>Run: {@code mvn -q -DskipTests package -pl benchmarks -am && java -jar benchmarks/target/benchmarks.jar}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestPathBenchmark {

    private OidcSso sso;
    private WebRequest sessionRequest;
    private TokenValidator validator;
    private DiscoveredProvider provider;
    private String bearer;
    private Cipher aesGcm;
    private SecretKey aesKey;
    private byte[] iv;
    private byte[] sealedCookieBytes;


    /**
     * Builds the framework (its IdP is unreachable on purpose: the session path must not need it)
     * and a token signed by a key the validator already holds.
     *
     * @throws Exception if key generation fails
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OidcSettings settings = OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
                .client("bench", "bench-secret").secretKey("benchmark-secret-key-benchmark-secret-key").build();
        sso = OidcSso.create(settings);
        Session session = sso.sessions().start("alice", List.of("mlflow", "data"), false, Optional.empty());
        String cookie = sso.sessions().cookie(session, BenchmarkRequest.withCookie("", "")).value();
        sessionRequest = BenchmarkRequest.withCookie("oidc_sso_session", cookie);
        // The floor: the JDK's AES-256-GCM sealing the same bytes as the cookie, opened per request.
        KeyGenerator keys = KeyGenerator.getInstance("AES");
        keys.init(256);
        aesKey = keys.generateKey();
        iv = new byte[12];
        new SecureRandom().nextBytes(iv);
        aesGcm = Cipher.getInstance("AES/GCM/NoPadding");
        aesGcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, iv));
        sealedCookieBytes = aesGcm.doFinal(cookie.getBytes(StandardCharsets.US_ASCII));

        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer("https://idp.example.com"),
                List.of(SubjectType.PUBLIC), URI.create("https://idp.example.com/jwks"));
        provider = new DiscoveredProvider(metadata, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())), java.util.Set.of(JWSAlgorithm.RS256));
        validator = new TokenValidator(settings, Clock.systemUTC());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer("https://idp.example.com").subject("alice").audience("bench").issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build());
        jwt.sign(new RSASSASigner(key));
        bearer = jwt.serialize();
    }

    /** Stops the framework's background discovery. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sso.close();
    }

    /**
     * A session-authenticated request through the whole decision.
     *
     * @return the outcome, so the JIT cannot drop the work
     */
    @Benchmark
    public Outcome sessionRequest() {
        Outcome outcome = sso.process(sessionRequest);
        if (!(outcome instanceof Outcome.Proceed)) {
            throw new IllegalStateException("the benchmark request must be authenticated: " + outcome);
        }
        return outcome;
    }

    /**
     * Floor of {@link #sessionRequest}: the JDK's AES-GCM open of as many bytes as the session cookie has.
     *
     * @return the opened bytes
     * @throws Exception never for these inputs
     */
    @Benchmark
    public byte[] floorAesGcmOpen() throws Exception {
        aesGcm.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(128, iv));
        return aesGcm.doFinal(sealedCookieBytes);
    }

    /**
     * Signature and claims of a bearer JWT, keys cached.
     *
     * @return the claims
     */
    @Benchmark
    public Object bearerValidation() {
        return validator.validateBearer(provider, bearer, List.of("bench"));
    }
}
