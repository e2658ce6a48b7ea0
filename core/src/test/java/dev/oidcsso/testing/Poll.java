package dev.oidcsso.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits for what another thread, replica or process makes true: a change reaching a second replica
 * through the change log, a server coming back after an outage.
 *
 * <p>The patience is a safety net against a hung test, never a measurement: a test that must show
 * "within a second" drives the mechanism by hand (one poll of the change log, a {@link MutableClock}
 * moved past an expiry) and asserts the outcome, and speed is measured by the JMH benchmarks. So the
 * patience is generous, and an overloaded build machine makes a test slower, not red.
 *
 * <pre>{@code
 * Poll.until(() -> status(replicaB, session) == 401, "the logout reaching replica B");
 * }</pre>
 */
public final class Poll {

    /** How long {@link #until(BooleanSupplier, String)} waits before the test fails. */
    public static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final long PAUSE_MILLIS = 20;

    private Poll() {
    }

    /**
     * Asks the condition until it holds, for at most {@link #PATIENCE}.
     *
     * @param condition asked repeatedly, from this thread
     * @param what what the test waits for, named in the failure
     * @throws AssertionError when the condition still does not hold at the end
     */
    public static void until(BooleanSupplier condition, String what) {
        until(PATIENCE, condition, what);
    }

    /**
     * Asks the condition until it holds, for at most the given time: for a wait longer than
     * {@link #PATIENCE}, such as a database server restarting.
     *
     * @param patience how long to keep asking
     * @param condition asked repeatedly, from this thread
     * @param what what the test waits for, named in the failure
     * @throws AssertionError when the condition still does not hold at the end
     */
    public static void until(Duration patience, BooleanSupplier condition, String what) {
        Objects.requireNonNull(what, "what");
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " did not happen within " + patience.toMillis() + " ms");
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
