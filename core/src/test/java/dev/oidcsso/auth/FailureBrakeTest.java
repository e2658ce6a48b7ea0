package dev.oidcsso.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureBrakeTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final FailureBrake brake = new FailureBrake(now::get);

    @Test
    void failuresPastTheLimitPerAddressWaitForTheWindowToEnd() {
        for (int i = 1; i <= FailureBrake.MAX_FAILURES; i++) {
            assertEquals(0, brake.failed("203.0.113.7", "user" + i), "failure " + i + " is an ordinary 401");
        }
        assertEquals(60, brake.failed("203.0.113.7", "someone-else"));
        now.addAndGet(45_000_000_000L);
        assertEquals(15, brake.failed("203.0.113.7", "again"));
        assertEquals(0, brake.failed("198.51.100.1", "fresh"), "another address is not braked");
        now.addAndGet(15_000_000_000L);
        assertEquals(0, brake.failed("203.0.113.7", "later"), "a new window starts");
    }

    @Test
    void failuresPastTheLimitPerUserNameAreBrakedFromEveryAddress() {
        for (int i = 1; i <= FailureBrake.MAX_FAILURES; i++) {
            assertEquals(0, brake.failed("10.0.0." + i, "alice"));
        }
        assertTrue(brake.failed("10.0.1.1", "alice") > 0);
        assertEquals(0, brake.failed("10.0.1.2", "bob"));
    }
}
