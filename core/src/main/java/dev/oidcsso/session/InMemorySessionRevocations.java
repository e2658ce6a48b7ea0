package dev.oidcsso.session;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revocations kept in this process only: enough for one instance without a database. Records are
 * dropped once the session would have expired anyway, so the map stays bounded by the number of
 * logouts within one session lifetime.
 */
public final class InMemorySessionRevocations implements SessionRevocations {

    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();
    private final Clock clock;

    /**
     * Creates the store.
     *
     * @param clock the clock that decides when a record may be dropped
     */
    public InMemorySessionRevocations(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void revoke(String sessionId, Instant until) {
        Instant now = clock.instant();
        revoked.values().removeIf(expiry -> expiry.isBefore(now));
        revoked.put(sessionId, until);
    }

    @Override
    public boolean isRevoked(String sessionId) {
        return revoked.containsKey(sessionId);
    }
}
