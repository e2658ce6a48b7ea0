package dev.oidcsso.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Counts failed basic-auth attempts per client address and per user name, and answers the ones past
 * a limit with 429 and {@code Retry-After} instead of 401.
 *
 * <p>Only failures are counted and only failures are braked: a correct token is checked and accepted
 * whatever the counts say, so nobody can lock the holder of a valid token out by failing in their
 * name or from their address (behind a reverse proxy every client shares the proxy's address). The
 * tokens themselves are 256-bit random values, which is what makes guessing hopeless; the brake tells
 * clients that retry a wrong token in a loop to back off, and keeps the log from filling with their
 * failures. Memory is bounded: at most {@value #MAX_TRACKED} addresses and as many user names are
 * tracked, each for one window.
 */
public final class FailureBrake {

    /** Failures per address, and per user name, within one window before the brake applies. */
    public static final int MAX_FAILURES = 10;
    /** The window over which failures are counted. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** The most addresses (and, separately, user names) tracked at once. */
    static final int MAX_TRACKED = 100_000;

    /** Failures since {@code startNanos}. */
    private record Count(long startNanos, int failures) {
    }

    private final LongSupplier nanoTime;
    private final Cache<String, Count> byAddress;
    private final Cache<String, Count> byUser;

    /** Creates the brake on the system's clock. */
    public FailureBrake() {
        this(System::nanoTime);
    }

    /**
     * Creates the brake on a given clock (tests move it).
     *
     * @param nanoTime a monotonic clock in nanoseconds
     */
    FailureBrake(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        // Maintenance on the failing request's own thread: a flood of wrong attempts pays for itself, waking no pool thread.
        this.byAddress = Caffeine.newBuilder().maximumSize(MAX_TRACKED).executor(Runnable::run).expireAfterWrite(WINDOW.multipliedBy(2)).build();
        this.byUser = Caffeine.newBuilder().maximumSize(MAX_TRACKED).executor(Runnable::run).expireAfterWrite(WINDOW.multipliedBy(2)).build();
    }

    /**
     * Records a failure and says how it is to be answered.
     *
     * @param address  the client address
     * @param username the user name tried, if the credentials held one
     * @return the seconds the client should wait (429), or 0 for an ordinary 401
     */
    public long failed(String address, String username) {
        long now = nanoTime.getAsLong();
        long wait = count(byAddress, address, now);
        if (username != null && !username.isEmpty()) {
            wait = Math.max(wait, count(byUser, username, now));
        }
        return wait;
    }

    private static long count(Cache<String, Count> counts, String key, long now) {
        Count count = counts.asMap().compute(key, (k, previous) -> previous == null || now - previous.startNanos() >= WINDOW.toNanos()
                ? new Count(now, 1) : new Count(previous.startNanos(), previous.failures() + 1));
        if (count.failures() <= MAX_FAILURES) {
            return 0;
        }
        long remaining = WINDOW.toNanos() - (now - count.startNanos());
        return Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L);
    }
}
