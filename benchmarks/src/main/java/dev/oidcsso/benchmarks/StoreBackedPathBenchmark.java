package dev.oidcsso.benchmarks;

import dev.oidcsso.authz.Actor;
import dev.oidcsso.authz.Decision;
import dev.oidcsso.authz.PermissionEvaluator;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.config.StoreSettings;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The per-request path of a script and of a permission check on a warm instance with the embedded
 * database: basic auth with a personal access token through the whole {@link OidcSso#process}, and
 * the permission decision for one resource. Both answer from caches; a database round trip would
 * show as tens of microseconds more.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBackedPathBenchmark {

    private Path dataDir;
    private Database database;
    private OidcSso sso;
    private WebRequest basicRequest;
    private PermissionEvaluator permissions;
    private Actor actor;
    private Resource resource;


    /**
     * Opens an embedded database with one user, their token, and a grant on one experiment.
     *
     * @throws IOException if the temporary folder cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dataDir = Files.createTempDirectory("oidc-sso-bench");
        database = Database.open(StoreSettings.embedded(dataDir));
        database.users().recordLogin("alice", "Alice", "alice@example.com", Set.of("mlflow", "data"));
        String token = database.tokens().create("alice").token().reveal();
        OidcSettings settings = OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
                .client("bench", "bench-secret").secretKey("benchmark-secret-key-benchmark-secret-key").build();
        ResourceTypes types = ResourceTypes.of("experiment", "registered_model");
        sso = OidcSso.builder(settings).database(database).resourceTypes(types).build();
        basicRequest = BenchmarkRequest.withHeader("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(("alice:" + token).getBytes(StandardCharsets.UTF_8)));
        permissions = new PermissionEvaluator(database.permissions(), PermissionPolicy.defaults(), types);
        resource = Resource.of(types.require("experiment"), "churn-model");
        database.permissions().recordCreation(resource, "bob");
        actor = new Actor("alice", Set.of("mlflow", "data"), false);
    }

    /**
     * Closes everything and removes the database files.
     *
     * @throws IOException if the files cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sso.close();
        database.close();
        TempDirectories.delete(dataDir);
    }

    /**
     * A script's request with a personal access token, through the whole decision.
     *
     * @return the outcome
     */
    @Benchmark
    public Outcome basicAuthRequest() {
        Outcome outcome = sso.process(basicRequest);
        if (!(outcome instanceof Outcome.Proceed)) {
            throw new IllegalStateException("the benchmark request must be authenticated: " + outcome);
        }
        return outcome;
    }

    /**
     * The permission decision for one user and one resource.
     *
     * @return the decision
     */
    @Benchmark
    public Decision permissionDecision() {
        return permissions.decide(actor, resource);
    }
}
