package dev.oidcsso.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a log line that a caller can cause on every request be written at most once per interval
 * and key, counting the ones left out: an operator still learns what happens and how often, and a
 * caller repeating a refused request cannot fill the log. Keys must come from configuration (an
 * issuer's name, a rule), never from the request, so that their number stays bounded.
 */
public final class LogThrottle {

    private final Clock clock;
    private final Duration interval;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** The current interval of one key: when it started and how many lines it has left out. */
    private record Window(Instant start, long suppressed) {
    }

    /**
     * Creates the throttle.
     *
     * @param clock    the clock
     * @param interval the shortest time between two lines of one key
     */
    public LogThrottle(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /**
     * Asks whether to write the line of a key now.
     *
     * @param key what the line is about, from configuration
     * @return how many lines of this key were left out since the last one written, when this one is
     *         to be written; empty when it is to be left out
     */
    public OptionalLong admit(String key) {
        Instant now = clock.instant();
        long[] written = {-1};
        windows.compute(key, (k, window) -> {
            if (window == null || !now.isBefore(window.start().plus(interval))) {
                written[0] = window == null ? 0 : window.suppressed();
                return new Window(now, 0);
            }
            return new Window(window.start(), window.suppressed() + 1);
        });
        return written[0] >= 0 ? OptionalLong.of(written[0]) : OptionalLong.empty();
    }
}
