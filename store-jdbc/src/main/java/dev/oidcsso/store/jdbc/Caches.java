package dev.oidcsso.store.jdbc;

import dev.oidcsso.store.StoreSettings;

import com.github.benmanes.caffeine.cache.Caffeine;

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

    static Caffeine<Object, Object> builder(StoreSettings settings) {
        return Caffeine.newBuilder()
                .maximumSize(settings.cacheMaxEntries())
                .expireAfterWrite(settings.cacheTtl())
                .refreshAfterWrite(settings.cacheTtl().dividedBy(2));
    }
}
