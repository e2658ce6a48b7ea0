package dev.oidcsso.store;

import dev.oidcsso.config.Secret;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A personal access token just created: the one moment its plaintext exists. Show it to the user
 * once; it is not stored and cannot be shown again. {@link #toString()} hides it.
 *
 * @param username  the token's owner
 * @param token     the plaintext token, for {@code Authorization: Basic user:token}
 * @param createdAt when it was created
 * @param expiresAt when it expires, or empty for never
 */
public record IssuedToken(String username, Secret token, Instant createdAt, Optional<Instant> expiresAt) {

    /**
     * Checks that nothing is missing.
     *
     * @param username  the owner
     * @param token     the plaintext
     * @param createdAt creation time
     * @param expiresAt expiry
     */
    public IssuedToken {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "IssuedToken[username=" + username + ", token=[redacted], createdAt=" + createdAt
                + ", expiresAt=" + expiresAt.map(Instant::toString).orElse("never") + "]";
    }
}
