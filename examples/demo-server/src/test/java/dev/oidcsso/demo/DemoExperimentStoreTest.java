package dev.oidcsso.demo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory store: the contract {@link JdbcExperimentStoreTest} runs on the JDBC store too. */
class DemoExperimentStoreTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    ExperimentStore store;

    ExperimentStore newStore(Clock clock) {
        return new InMemoryExperimentStore(clock);
    }

    @BeforeEach
    void createStore() {
        store = newStore(CLOCK);
    }

    @Test
    void createFindUpdateDelete() {
        Experiment created = store.create("a", "", "alice");
        assertEquals(new Experiment("1", "a", "", "alice", Instant.parse("2026-11-25T12:00:00Z"), Instant.parse("2026-11-25T12:00:00Z")), created);
        assertEquals(created, store.find("1").orElseThrow());
        assertEquals("b", store.update("1", "b", "x").orElseThrow().name());
        assertEquals("alice", store.find("1").orElseThrow().createdBy(), "the creator never changes");
        assertTrue(store.update("2", "c", "").isEmpty());
        assertTrue(store.delete("1"));
        assertFalse(store.delete("1"));
        assertTrue(store.find("1").isEmpty());
    }

    @Test
    void namesAreUniqueAndFreedByRenameAndDelete() {
        store.create("a", "", "alice");
        Experiment b = store.create("b", "", "bob");
        assertThrows(ExperimentStore.NameTakenException.class, () -> store.create("a", "", "bob"));
        assertThrows(ExperimentStore.NameTakenException.class, () -> store.update(b.id(), "a", ""));
        assertEquals("b", store.update(b.id(), "b", "same name is fine").orElseThrow().name());
        store.update("1", "a2", "");
        assertEquals("a", store.create("a", "", "carol").name());
        store.delete(b.id());
        assertEquals("b", store.create("b", "", "carol").name());
    }

    @Test
    void concurrentCreatesGetDistinctIdsAndOneWinnerPerName() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        try {
            List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String name = "exp-" + (i % 50);
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        ids.add(store.create(name, "", "t").id());
                        return true;
                    } catch (ExperimentStore.NameTakenException e) {
                        return false;
                    }
                }));
            }
            go.countDown();
            long winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(10, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(50, winners);
            assertEquals(50, ids.size());
            assertEquals(50, store.list().size());
        } finally {
            pool.shutdownNow();
        }
    }
}
