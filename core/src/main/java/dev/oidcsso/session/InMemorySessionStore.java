package dev.oidcsso.session;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sessions kept in this process: for one instance without a user database. They end with the
 * process. Records past their absolute lifetime are dropped as new sessions start, so the map stays
 * bounded by the sessions started within one lifetime.
 */
public final class InMemorySessionStore implements SessionStore {

    private final ConcurrentHashMap<String, SessionRecord> sessions = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    /**
     * Creates the store.
     *
     * @param clock decides when a record may be dropped
     */
    public InMemorySessionStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void create(SessionRecord record) {
        Instant now = clock.instant();
        sessions.values().removeIf(kept -> !now.isBefore(kept.expiresAt()));
        sessions.put(record.idHash(), record);
    }

    @Override
    public Optional<SessionRecord> find(String idHash) {
        return Optional.ofNullable(sessions.get(idHash));
    }

    @Override
    public void touch(String idHash, Instant seen) {
        sessions.computeIfPresent(idHash, (hash, kept) -> kept.lastSeen().isBefore(seen) ? kept.seenAt(seen) : kept);
    }

    @Override
    public boolean claimRefresh(String idHash, long version, Instant until) {
        boolean[] claimed = {false};
        sessions.computeIfPresent(idHash, (hash, kept) -> {
            if (kept.version() != version || kept.endedAt().isPresent()) {
                return kept;
            }
            claimed[0] = true;
            return kept.claimedUntil(until);
        });
        return claimed[0];
    }

    @Override
    public boolean refreshed(String idHash, long claimedVersion, Optional<String> sealedRefreshToken, Optional<Instant> tokensExpireAt,
                             Optional<String> sealedIdToken, List<String> groups, boolean admin) {
        boolean[] recorded = {false};
        sessions.computeIfPresent(idHash, (hash, kept) -> {
            if (kept.version() != claimedVersion || kept.endedAt().isPresent()) {
                return kept;
            }
            recorded[0] = true;
            return kept.refreshedWith(sealedRefreshToken, tokensExpireAt, sealedIdToken, groups, admin);
        });
        return recorded[0];
    }

    @Override
    public void end(String idHash, Instant at, String cause) {
        endWhere(kept -> kept.idHash().equals(idHash), at, cause);
    }

    @Override
    public boolean endClaimed(String idHash, long claimedVersion, Instant at, String cause) {
        return endWhere(kept -> kept.idHash().equals(idHash) && kept.version() == claimedVersion, at, cause) == 1;
    }

    @Override
    public int endAllOf(String username, Instant at, String cause) {
        return endWhere(kept -> kept.username().equals(username), at, cause);
    }

    @Override
    public int endAtIdp(String issuer, Optional<String> idpSessionId, Optional<String> subject, Instant at) {
        if (idpSessionId.isEmpty() && subject.isEmpty()) {
            return 0;
        }
        return endWhere(kept -> kept.issuer().equals(issuer)
                && idpSessionId.map(sid -> kept.idpSessionId().filter(sid::equals).isPresent()).orElse(true)
                && subject.map(kept.subject()::equals).orElse(true), at, "backchannel");
    }

    @Override
    public List<SessionRecord> activeOf(String username, Instant now) {
        return sessions.values().stream().filter(kept -> kept.username().equals(username) && kept.endedAt().isEmpty()
                && now.isBefore(kept.expiresAt())).sorted(Comparator.comparing(SessionRecord::issuedAt).reversed()).toList();
    }

    @Override
    public void onEnded(Consumer<String> listener) {
        listeners.add(listener);
    }

    private int endWhere(Predicate<SessionRecord> which, Instant at, String cause) {
        int ended = 0;
        for (SessionRecord kept : sessions.values()) {
            if (kept.endedAt().isEmpty() && which.test(kept)) {
                boolean[] endedNow = {false};
                // Tested again inside the update: another thread may have ended or changed it since the scan.
                sessions.computeIfPresent(kept.idHash(), (hash, current) -> {
                    if (current.endedAt().isPresent() || !which.test(current)) {
                        return current;
                    }
                    endedNow[0] = true;
                    return current.endedAt(at, cause);
                });
                if (endedNow[0]) {
                    listeners.forEach(listener -> listener.accept(kept.idHash()));
                    ended++;
                }
            }
        }
        return ended;
    }
}
