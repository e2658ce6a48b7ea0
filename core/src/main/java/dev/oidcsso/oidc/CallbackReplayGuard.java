package dev.oidcsso.oidc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.time.Instant;

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
        Cache<String, Boolean> used = Caffeine.newBuilder().expireAfterWrite(loginTimeout).maximumSize(1_000_000).build();
        return (state, until) -> used.asMap().putIfAbsent(state, Boolean.TRUE) == null;
    }
}
