package dev.oidcsso.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Remembers which login responses have been used, so that a callback is accepted once. Without a
 * database the memory of this process serves (a replay on another replica is then stopped by the
 * IdP's single-use code); with one, every replica shares it.
 */
public interface CallbackReplayGuard {

    /**
     * Records the use of a login's state.
     *
     * @param state the OAuth {@code state} of the login
     * @param until when the login expires; the record may be dropped afterwards
     * @return true the first time, false for a replay
     */
    boolean firstUse(String state, Instant until);

    /**
     * A guard in this process's memory.
     *
     * @param loginTimeout how long a login may take
     * @return the guard
     */
    static CallbackReplayGuard inMemory(Duration loginTimeout) {
        return inMemory(loginTimeout, Clock.systemUTC());
    }

    /**
     * A guard in this process's memory, on a given clock.
     *
     * @param loginTimeout how long a login may take: the least time a value is remembered
     * @param clock        the time
     * @return the guard
     */
    static CallbackReplayGuard inMemory(Duration loginTimeout, Clock clock) {
        // Each entry lives until its own "until" (a logout token's exp may be later than a login's end), and
        // at least the login timeout, so that no value is forgotten while it could still be presented.
        Cache<String, Instant> used = Caffeine.newBuilder().maximumSize(1_000_000).executor(Runnable::run) // no pool wake-up per login
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(Expiry.creating((String state, Instant until) -> {
                    Duration left = Duration.between(clock.instant(), until);
                    return left.compareTo(loginTimeout) > 0 ? left : loginTimeout;
                }))
                .build();
        return (state, until) -> used.asMap().putIfAbsent(state, until) == null;
    }
}
