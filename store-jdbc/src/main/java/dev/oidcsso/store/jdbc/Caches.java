package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.StoreSettings;

import dev.oidcsso.config.StoreSettings;
import com.github.benmanes.caffeine.cache.CacheLoader;
import dev.oidcsso.store.StoreUnavailableException;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.oidcsso.observe.SsoEvents;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The common shape of every store cache: bounded in size, and bounded in staleness should the change
 * log stop being read.
 *
 * <p>An entry older than half the TTL is reloaded in the background when next read, while the
 * request gets the cached answer; so a hot entry never makes a request wait for the database, and if
 * the reload fails (database down) the old answer is used until the TTL ends.
 *
 * <p>Build every cache's loader with {@link #quietRefresh}: Caffeine prints a stack trace through
 * {@code System.Logger} for each failed reload, hundreds a minute during a database outage, while
 * the change poller already logs the outage once (WARN) and its end once (INFO).
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

    /**
     * Wraps a loader so that a reload failing with {@link StoreUnavailableException} ends as a
     * cancelled refresh, which Caffeine drops silently (the old value stays until its TTL); other
     * failures are reported as before.
     *
     * @param loader the loader
     * @param <K>    the key type
     * @param <V>    the value type
     * @return the wrapped loader
     */
    static <K, V> CacheLoader<K, V> quietRefresh(CacheLoader<K, V> loader) {
        return new CacheLoader<>() {
            @Override
            public V load(K key) throws Exception {
                return loader.load(key);
            }

            @Override
            public Map<? extends K, ? extends V> loadAll(Set<? extends K> keys) throws Exception {
                try {
                    return loader.loadAll(keys);
                } catch (UnsupportedOperationException e) {
                    Map<K, V> loaded = new LinkedHashMap<>();
                    for (K key : keys) {
                        V value = loader.load(key);
                        if (value != null) {
                            loaded.put(key, value);
                        }
                    }
                    return loaded;
                }
            }

            @Override
            public CompletableFuture<? extends V> asyncReload(K key, V oldValue, Executor executor) {
                CompletableFuture<V> result = new CompletableFuture<>();
                executor.execute(() -> {
                    try {
                        result.complete(loader.reload(key, oldValue));
                    } catch (StoreUnavailableException e) {
                        CancellationException quiet = new CancellationException("refresh skipped: " + e.getMessage());
                        quiet.initCause(e);
                        result.completeExceptionally(quiet);
                    } catch (Exception | Error e) {
                        result.completeExceptionally(e);
                    }
                });
                return result;
            }
        };
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
