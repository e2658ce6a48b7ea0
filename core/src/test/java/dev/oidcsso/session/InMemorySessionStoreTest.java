package dev.oidcsso.session;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-instance session store keeps the same compare-and-set rules as the JDBC one. */
class InMemorySessionStoreTest {

    private final Instant now = Instant.parse("2026-11-29T12:00:00Z");
    private final InMemorySessionStore store = new InMemorySessionStore(Clock.fixed(now, java.time.ZoneOffset.UTC));

    @Test
    void aRefusalUnderAStaleClaimEndsNothingAndUnderTheCurrentOneEndsTheSessionOnce() {
        store.create(new SessionRecord("h", "carol", "https://idp", "sub", Optional.empty(), List.of(), false, now,
                now.plus(Duration.ofHours(8)), now, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("sealed-1"), Optional.of(now.plusSeconds(30)), Optional.empty(), 0));
        List<String> ended = new CopyOnWriteArrayList<>();
        store.onEnded(ended::add);

        assertTrue(store.claimRefresh("h", 0, now.plusSeconds(45)));
        assertTrue(store.claimRefresh("h", 1, now.plusSeconds(45)), "the lease of the first claim ran out");
        assertTrue(store.refreshed("h", 2, Optional.of("sealed-2"), Optional.of(now.plusSeconds(300)), Optional.empty(), List.of(), false));

        assertFalse(store.endClaimed("h", 1, now, "refresh-refused"));
        assertTrue(store.find("h").orElseThrow().endedAt().isEmpty());
        assertTrue(ended.isEmpty());

        assertTrue(store.endClaimed("h", 3, now, "refresh-refused"));
        assertFalse(store.endClaimed("h", 3, now, "refresh-refused"));
        assertEquals(Optional.of("refresh-refused"), store.find("h").orElseThrow().endCause());
        assertEquals(List.of("h"), ended);
    }
}
