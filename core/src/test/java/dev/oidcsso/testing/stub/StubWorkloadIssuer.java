package dev.oidcsso.testing.stub;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.testing.StubServer;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A workload issuer ({@code OIDC_WORKLOAD_ISSUERS}) in its plainest form: a discovery document naming
 * its JWKS, and RS256 tokens with a {@code repository} claim, as a CI platform issues them. The
 * platform-specific formats (GitHub, GitLab, Kubernetes) are reproduced in {@code WorkloadIdentityTest}.
 */
public final class StubWorkloadIssuer implements AutoCloseable {

    /** The audience the tokens carry and {@link #settings} accepts. */
    public static final String AUDIENCE = "https://app.example.com";
    /** The repository the tokens name and {@link #settings} requires. */
    public static final String REPOSITORY = "octo-org/octo-repo";

    private final StubServer server = StubServer.start();
    private final StubKeys keys = StubKeys.generate();

    private StubWorkloadIssuer() {
        server.on("/.well-known/openid-configuration", (exchange, request) -> StubServer.respond(exchange, 200,
                "application/json", JSONObjectUtils.toJSONString(Map.of("issuer", issuer(), "jwks_uri", server.url("/jwks")))));
        server.on("/jwks", (exchange, request) -> StubServer.respond(exchange, 200, "application/json",
                JSONObjectUtils.toJSONString(keys.jwks())));
    }

    /**
     * Starts an issuer on a free loopback port.
     *
     * @return the issuer; close it after the test
     */
    public static StubWorkloadIssuer start() {
        return new StubWorkloadIssuer();
    }

    /** @return the issuer identifier, without a trailing slash */
    public String issuer() {
        String base = server.baseUrl().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * The settings that trust this issuer as workload {@code name}, standing for {@code user}.
     *
     * @param name the workload's name in the settings
     * @param user the user the tokens stand for
     * @return {@code OIDC_WORKLOAD_*} settings
     */
    public Map<String, String> settings(String name, String user) {
        String prefix = "OIDC_WORKLOAD_" + name.toUpperCase(java.util.Locale.ROOT) + "_";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("OIDC_WORKLOAD_ISSUERS", name);
        settings.put(prefix + "ISSUER", issuer());
        settings.put(prefix + "AUDIENCE", AUDIENCE);
        settings.put(prefix + "CLAIMS", "repository=" + REPOSITORY);
        settings.put(prefix + "USER", user);
        return settings;
    }

    /**
     * A token of this issuer that the {@link #settings} accept.
     *
     * @param issuedAt when it was issued
     * @param lifetime how long it lives
     * @return the compact JWT
     */
    public String token(Instant issuedAt, Duration lifetime) {
        return keys.sign(new JWTClaimsSet.Builder().issuer(issuer()).subject("repo:" + REPOSITORY + ":ref:refs/heads/main")
                .audience(AUDIENCE).claim("repository", REPOSITORY).issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(lifetime))).build());
    }

    @Override
    public void close() {
        server.close();
    }
}
