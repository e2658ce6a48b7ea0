package dev.oidcsso.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What may be shown about a user's current token: never the token, only its dates.
 *
 * @param username  the owner
 * @param createdAt when it was created
 * @param expiresAt when it expires, or empty for never
 */
public record TokenInfo(String username, Instant createdAt, Optional<Instant> expiresAt) {

    /**
     * Checks that nothing is missing.
     *
     * @param username  the owner
     * @param createdAt creation time
     * @param expiresAt expiry
     */
    public TokenInfo {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
