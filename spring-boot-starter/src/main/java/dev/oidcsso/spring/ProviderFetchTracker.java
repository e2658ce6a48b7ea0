package dev.oidcsso.spring;

import dev.oidcsso.observe.SsoEvents;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the last outcome of each fetch from the identity provider ({@code discovery},
 * {@code jwks}), for the health indicator: the signing keys are cached and fetched only on a miss,
 * so the last fetch is what tells whether the IdP still serves them.
 */
public final class ProviderFetchTracker implements SsoEvents {

    private final Map<String, String> last = new ConcurrentHashMap<>();

    @Override
    public void providerFetch(String document, String outcome) {
        last.put(document, outcome);
    }

    /**
     * The last outcome of a fetch.
     *
     * @param document {@code discovery} or {@code jwks}
     * @return {@code success} or {@code failure}; empty before the first fetch
     */
    public Optional<String> lastOutcome(String document) {
        return Optional.ofNullable(last.get(document));
    }
}
