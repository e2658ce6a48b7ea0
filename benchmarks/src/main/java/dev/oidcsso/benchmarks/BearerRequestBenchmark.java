package dev.oidcsso.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.Outcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A bearer request through the whole of {@link OidcSso#process} with the framework's defaults (the
 * verified-token cache on, with its default bound), with a token never seen before on every
 * request, beside the floor: the JDK's RSA verify of the same token. Each request carries a new token: cycling through
 * a fixed set would be answered from the cache after two rounds, so the tokens are signed
 * beforehand, as many as the run uses, and each is sent once.
 *
 * <p>Without a store, each token names a user of its own and nothing is recorded. With the embedded
 * H2 store, the tokens name 100 users in turn, as an API's callers send many tokens each: each
 * request looks its user up (cached) and records nothing new.
 *
 * <p>Not a JMH class: JMH's timed iterations would need more tokens than can be signed before a
 * run. {@link FloorRatios} runs it ({@code FloorRatios 4 bearer-request}).
 */
final class BearerRequestBenchmark implements AutoCloseable {

    private static final String CLIENT = "bench";

    private final HttpServer idp;
    private final OidcSso sso;
    private final Optional<Database> database;
    private final Optional<Path> dataDir;
    private final BenchmarkRequest[] requests;
    private final byte[][] signingInputs;
    private final byte[][] signatures;
    private final RSAPublicKey publicKey;
    private final Signature rsa;
    private int nextRequest;
    private int nextFloor;

    /**
     * Starts a stub IdP (discovery and keys), the framework, and signs the tokens.
     *
     * @param tokens how many requests the run makes at most
     * @param withStore whether the framework has the embedded H2 store (tokens of 100 users) or none (a user per token)
     * @throws Exception if the set-up fails
     */
    BearerRequestBenchmark(int tokens, boolean withStore) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        publicKey = key.toRSAPublicKey();
        rsa = Signature.getInstance("SHA256withRSA");
        idp = StubIdp.loopback(16);
        String issuer = StubIdp.publish(idp, key);
        idp.start();
        OidcSettings settings = OidcSettings.builder().discoveryUrl(issuer + "/.well-known/openid-configuration")
                .client(CLIENT, "bench-secret").secretKey("benchmark-secret-key-benchmark-secret-key").build();
        dataDir = withStore ? Optional.of(Files.createTempDirectory("oidc-sso-bearer-bench")) : Optional.empty();
        database = dataDir.map(dir -> Database.open(StoreSettings.embedded(dir)));
        sso = database.isPresent() ? OidcSso.builder(settings).database(database.get()).build() : OidcSso.create(settings);
        int users = withStore ? 100 : tokens;

        requests = new BenchmarkRequest[tokens];
        signingInputs = new byte[tokens][];
        signatures = new byte[tokens][];
        RSASSASigner signer = new RSASSASigner(key);
        long now = System.currentTimeMillis();
        // Signing is a thousand times the cost of a verify: every core helps. The jti makes each token distinct: RS256
        // signatures are deterministic, so two tokens of the same claims would be the same token.
        IntStream.range(0, tokens).parallel().forEach(k -> {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                    .issuer(issuer).subject("user" + k % users).audience(CLIENT).claim("preferred_username", "user" + k % users)
                    .jwtID("token-" + k)
                    .claim("groups", List.of("mlflow", "data")).issueTime(new Date(now))
                    .expirationTime(new Date(now + 3_600_000)).build());
            try {
                jwt.sign(signer);
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
            }
            String token = jwt.serialize();
            requests[k] = BenchmarkRequest.withHeader("Authorization", "Bearer " + token);
            String[] parts = token.split("\\.");
            signingInputs[k] = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            signatures[k] = new Base64URL(parts[2]).decode();
        });
        StubIdp.awaitDiscovery(sso);
    }

    /**
     * One request with a token never sent before, through the whole decision.
     *
     * @return the outcome
     */
    Outcome request() {
        if (nextRequest == requests.length) {
            throw new IllegalStateException("out of fresh tokens: sign more before the run");
        }
        Outcome outcome = sso.process(requests[nextRequest++]);
        if (!(outcome instanceof Outcome.Proceed)) {
            throw new IllegalStateException("the benchmark request must be authenticated: " + outcome);
        }
        return outcome;
    }

    /**
     * The floor: the JDK's RSA-2048 verify of one of the same tokens (in turn, as cold in memory as the requests').
     *
     * @return the result
     * @throws Exception never for these inputs
     */
    Boolean floorRsaVerify() throws Exception {
        int k = nextFloor;
        nextFloor = (nextFloor + 1) % signatures.length;
        rsa.initVerify(publicKey);
        rsa.update(signingInputs[k]);
        return rsa.verify(signatures[k]);
    }

    @Override
    public void close() throws IOException {
        sso.close();
        database.ifPresent(Database::close);
        idp.stop(0);
        if (dataDir.isPresent()) {
            TempDirectories.delete(dataDir.get());
        }
    }
}
