package dev.oidcsso.store;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.oidcsso.observe.SsoEvents;

/**
 * The common shape of every store cache: bounded in size, and bounded in staleness should the change
 * log stop being read.
 *
 * <p>An entry older than half the TTL is reloaded in the background when next read, while the
 * request gets the cached answer; so a hot entry never makes a request wait for the database, and if
 * the reload fails (database down) the old answer is used until the TTL ends.
 */
final class Caches {

    private Caches() {
    }

    static Caffeine<Object, Object> builder(StoreSettings settings, SsoEvents events, String name) {
        return Caffeine.newBuilder()
                .recordStats(() -> new Lookups(events, name))
                .maximumSize(settings.cacheMaxEntries())
                .expireAfterWrite(settings.cacheTtl())
                .refreshAfterWrite(settings.cacheTtl().dividedBy(2));
    }

    /** Hands hits and misses to the observer; the rest of Caffeine's statistics are not kept. */
    private record Lookups(SsoEvents events, String name) implements StatsCounter {

        @Override
        public void recordHits(int count) {
            for (int i = 0; i < count; i++) {
                events.cacheLookup(name, true);
            }
        }

        @Override
        public void recordMisses(int count) {
            for (int i = 0; i < count; i++) {
                events.cacheLookup(name, false);
            }
        }

        @Override
        public void recordLoadSuccess(long loadTime) {
            // store latency is reported by Jdbc
        }

        @Override
        public void recordLoadFailure(long loadTime) {
            // store errors are reported by Jdbc
        }

        @Override
        public void recordEviction(int weight, RemovalCause cause) {
            // not reported
        }

        @Override
        public CacheStats snapshot() {
            return CacheStats.empty();
        }
    }
}
