package dev.oidcsso.store.jdbc;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.oidcsso.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * During a database outage a cache refresh fails on every read past half the TTL; Caffeine would log
 * each failure with its stack trace through {@code System.Logger}, outside the application's SLF4J
 * settings. The quiet loader keeps those out, and still reports a failure that is a bug.
 */
class QuietRefreshTest {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();

    private LoadingCache<String, String> cache(RuntimeException failure) {
        return Caffeine.newBuilder().executor(Runnable::run).ticker(nanos::get)
                .expireAfterWrite(Duration.ofSeconds(10)).refreshAfterWrite(Duration.ofSeconds(5))
                .build(Caches.<String, String>quietRefresh(key -> {
                    if (databaseDown.get()) {
                        throw failure;
                    }
                    return key + "@" + nanos.get();
                }));
    }

    private List<LogRecord> caffeineLogsDuring(Runnable action) {
        Logger caffeine = Logger.getLogger("com.github.benmanes.caffeine");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                logged.add(logRecord);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        caffeine.addHandler(capture);
        try {
            action.run();
        } finally {
            caffeine.removeHandler(capture);
        }
        return logged;
    }

    @Test
    void aRefreshFailingBecauseTheDatabaseIsDownIsNotLoggedAndTheOldValueStays() {
        LoadingCache<String, String> cache = cache(new StoreUnavailableException("the user database is unavailable (test)", new java.sql.SQLException("down", "08001")));
        assertEquals("alice@0", cache.get("alice"));
        databaseDown.set(true);
        nanos.set(Duration.ofSeconds(6).toNanos());
        List<LogRecord> records = caffeineLogsDuring(() -> {
            for (int i = 0; i < 20; i++) {
                assertEquals("alice@0", cache.get("alice"), "the cached answer is used until the TTL ends");
            }
        });
        assertTrue(records.isEmpty(), "nothing logged: " + records.stream().map(LogRecord::getMessage).toList());
        databaseDown.set(false);
        nanos.set(Duration.ofSeconds(7).toNanos());
        cache.get("alice");
        assertEquals("alice@" + Duration.ofSeconds(7).toNanos(), cache.get("alice"), "refreshed once the database is back");
    }

    @Test
    void anyOtherRefreshFailureIsStillReported() {
        LoadingCache<String, String> cache = cache(new IllegalStateException("a bug"));
        cache.get("bob");
        databaseDown.set(true);
        nanos.set(Duration.ofSeconds(6).toNanos());
        List<LogRecord> records = caffeineLogsDuring(() -> cache.get("bob"));
        assertEquals(1, records.size());
    }
}
