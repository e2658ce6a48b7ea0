package dev.oidcsso.store;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The common shape of every store cache: bounded in size, and bounded in staleness should the change
 * log stop being read.
 */
final class Caches {

    private Caches() {
    }

    static Caffeine<Object, Object> builder(StoreSettings settings) {
        return Caffeine.newBuilder()
                .maximumSize(settings.cacheMaxEntries())
                .expireAfterWrite(settings.cacheTtl());
    }
}
