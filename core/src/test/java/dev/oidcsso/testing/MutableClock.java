package dev.oidcsso.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock a test moves by hand, so expiry (cookies, authorization codes, tokens) is tested without
 * sleeping. Thread-safe: servers read it from their own threads while the test advances it.
 */
public final class MutableClock extends Clock {

    private final ZoneId zone;
    private volatile Instant now;

    /**
     * Creates a clock standing at the given instant, in UTC.
     *
     * @param start the first instant the clock shows
     */
    public MutableClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    private MutableClock(Instant start, ZoneId zone) {
        this.now = Objects.requireNonNull(start, "start");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * Creates a clock standing at the current system time.
     *
     * @return a new clock
     */
    public static MutableClock atNow() {
        return new MutableClock(Instant.now());
    }

    /**
     * Moves the clock forward (or back, with a negative duration).
     *
     * @param amount how far to move
     * @return this clock
     */
    public MutableClock advance(Duration amount) {
        synchronized (this) {
            now = now.plus(amount);
        }
        return this;
    }

    /**
     * Sets the clock to an instant.
     *
     * @param instant the instant to show from now on
     * @return this clock
     */
    public MutableClock set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
        return this;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        // A zone-shifted view would stop following this clock's moves, which no test wants.
        throw new UnsupportedOperationException("MutableClock is UTC only");
    }

    @Override
    public Instant instant() {
        return now;
    }
}
