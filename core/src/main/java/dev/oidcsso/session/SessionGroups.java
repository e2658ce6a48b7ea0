package dev.oidcsso.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the groups of a session are kept when there are too many for the cookie (browsers keep
 * about 4 KB per cookie; an Entra ID user can be in hundreds of groups). With a database, the groups
 * recorded at the user's login serve; without one, they are kept in this process.
 */
public interface SessionGroups {

    /**
     * Keeps a session's groups.
     *
     * @param session the session, with its groups
     */
    void keep(Session session);

    /**
     * The groups of a session whose cookie does not carry them.
     *
     * @param session the session, without its groups
     * @return the groups, or empty when they are no longer known (the session is then refused)
     */
    Optional<List<String>> groups(Session session);

    /**
     * Groups kept in this process, for as long as a session lasts.
     *
     * @param maxAge the session lifetime
     * @return the store
     */
    static SessionGroups inMemory(Duration maxAge) {
        Cache<String, List<String>> cache = Caffeine.newBuilder().expireAfterWrite(maxAge).maximumSize(100_000).build();
        return new SessionGroups() {
            @Override
            public void keep(Session session) {
                cache.put(session.id(), session.groups());
            }

            @Override
            public Optional<List<String>> groups(Session session) {
                return Optional.ofNullable(cache.getIfPresent(session.id()));
            }
        };
    }
}
