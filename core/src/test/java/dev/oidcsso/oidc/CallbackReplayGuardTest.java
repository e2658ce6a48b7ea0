package dev.oidcsso.oidc;

import dev.oidcsso.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallbackReplayGuardTest {

    final MutableClock clock = MutableClock.atNow();
    final CallbackReplayGuard guard = CallbackReplayGuard.inMemory(Duration.ofMinutes(10), clock);

    @Test
    void aValueIsAcceptedOnceForAtLeastTheLoginTimeout() {
        assertTrue(guard.firstUse("state-1", clock.instant()));
        clock.advance(Duration.ofMinutes(9));
        assertFalse(guard.firstUse("state-1", clock.instant()), "a replay within the login timeout");
        clock.advance(Duration.ofMinutes(2));
        assertTrue(guard.firstUse("state-1", clock.instant()), "forgotten once no login could present it");
    }

    @Test
    void aValueThatStaysValidLongerIsRememberedUntilItsOwnEnd() {
        // A logout token whose exp is an hour away must not be accepted again after the login timeout.
        assertTrue(guard.firstUse("bcl:jti", clock.instant().plus(Duration.ofHours(1))));
        clock.advance(Duration.ofMinutes(59));
        assertFalse(guard.firstUse("bcl:jti", clock.instant()), "still refused after the login timeout, before its exp");
        clock.advance(Duration.ofMinutes(2));
        assertTrue(guard.firstUse("bcl:jti", clock.instant()), "forgotten once its exp has passed");
    }
}
