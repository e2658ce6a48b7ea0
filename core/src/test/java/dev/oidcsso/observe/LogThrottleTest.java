package dev.oidcsso.observe;

import dev.oidcsso.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:00:00Z"));
    private final LogThrottle throttle = new LogThrottle(clock, Duration.ofMinutes(1));

    @Test
    void aKeysLineIsWrittenOncePerIntervalThenWithHowManyWereLeftOut() {
        assertEquals(OptionalLong.of(0), throttle.admit("ci/repository"));
        for (int k = 0; k < 1_000; k++) {
            assertEquals(OptionalLong.empty(), throttle.admit("ci/repository"));
        }
        clock.advance(Duration.ofSeconds(59));
        assertEquals(OptionalLong.empty(), throttle.admit("ci/repository"));

        clock.advance(Duration.ofSeconds(1));

        assertEquals(OptionalLong.of(1_001), throttle.admit("ci/repository"));
        assertEquals(OptionalLong.empty(), throttle.admit("ci/repository"));
    }

    @Test
    void eachKeyHasItsOwnInterval() {
        assertEquals(OptionalLong.of(0), throttle.admit("ci/repository"));
        assertEquals(OptionalLong.of(0), throttle.admit("ci/ref"));
        assertEquals(OptionalLong.empty(), throttle.admit("ci/ref"));
    }

    @Test
    void aQuietKeyWritesItsNextLineAtOnceWithNothingLeftOut() {
        assertEquals(OptionalLong.of(0), throttle.admit("ci/repository"));
        clock.advance(Duration.ofHours(1));

        assertEquals(OptionalLong.of(0), throttle.admit("ci/repository"));
    }
}
