package dev.oidcsso.spring;

import dev.oidcsso.web.OidcSso;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The actuator's view of oidc-sso, named {@code oidcSso} and part of the readiness group: UP when
 * the identity provider has been discovered (logins can start) and the store, if there is one,
 * answers. The details say which part is missing, and the last outcome of fetching the signing keys
 * (the keys stay cached for hours when a fetch fails, so a failed fetch alone is not DOWN). Never
 * a secret: the discovery error is the framework's own sentence.
 */
public final class OidcSsoHealthIndicator implements HealthIndicator {

    private final OidcSso sso;
    private final ProviderFetchTracker fetches;

    /**
     * Creates the indicator.
     *
     * @param sso     the framework
     * @param fetches the last outcomes of fetches from the IdP
     */
    public OidcSsoHealthIndicator(OidcSso sso, ProviderFetchTracker fetches) {
        this.sso = sso;
        this.fetches = fetches;
    }

    @Override
    public Health health() {
        boolean discovered = sso.ready();
        Map<String, Object> discovery = new LinkedHashMap<>();
        discovery.put("ready", discovered);
        sso.provider().lastError().ifPresent(error -> discovery.put("error", error));
        Health.Builder health = Health.up().withDetail("discovery", discovery)
                .withDetail("keys", fetches.lastOutcome("jwks").orElse("not fetched yet"));
        if (sso.identityProviderStatus().size() > 1) {
            // Up while any IdP is: one that is down stops its own logins only, and names itself here.
            Map<String, String> each = new LinkedHashMap<>();
            sso.identityProviderStatus().forEach((name, up) -> each.put(name, up ? "UP" : "DOWN"));
            health.withDetail("identity_providers", each);
        }
        boolean storeUp = sso.database().map(db -> {
            boolean available = db.isAvailable();
            health.withDetail("store", available ? "available" : "unavailable");
            return available;
        }).orElse(true);
        return discovered && storeUp ? health.build() : health.down().build();
    }
}
