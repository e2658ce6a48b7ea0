package dev.oidcsso.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Personal access tokens: at most one per user, kept only as a hash. Creating a token replaces the
 * previous one at once, here and (within a poll interval) on every replica. Every method may throw
 * {@link StoreUnavailableException}.
 */
public interface TokenStore {

    /**
     * Creates a token that never expires, replacing the user's previous one. An administrator
     * rotating another user's token calls this too.
     *
     * @param username the owner, who must have logged in at least once
     * @return the token, whose plaintext is shown once and never again
     * @throws dev.oidcsso.OidcSsoException (404) when the user is unknown
     */
    IssuedToken create(String username);

    /**
     * Creates a token that expires, replacing the user's previous one.
     *
     * @param username  the owner, who must have logged in at least once
     * @param expiresAt the expiry: in the future and at most one year ahead
     * @return the token, whose plaintext is shown once and never again
     * @throws dev.oidcsso.OidcSsoException (400) when the expiry is past or more than a year ahead; (404) when the user is unknown
     */
    IssuedToken create(String username, Instant expiresAt);

    /**
     * Replaces the user's token with a new one only while {@code current} is still their token in
     * the store itself, not in a replica's cache: a caller rotating with a token that was deleted or
     * replaced meanwhile (signed out everywhere, possibly on another replica that has not yet heard)
     * gets no new one. Stores that cannot compare and replace at once keep this default, which
     * checks and then creates.
     *
     * @param username  the owner
     * @param current   the token the caller authenticated with
     * @param expiresAt the new token's expiry, checked as {@link #create(String, Instant)} checks it; empty for none
     * @return the new token, or empty when {@code current} is no longer the user's token
     */
    default Optional<IssuedToken> rotate(String username, CharSequence current, Optional<Instant> expiresAt) {
        if (verify(username, current) != TokenCheck.VALID) {
            return Optional.empty();
        }
        return Optional.of(expiresAt.isPresent() ? create(username, expiresAt.get()) : create(username));
    }

    /**
     * Checks a user name and token, from the cache when warm. Takes the same time whether the
     * user exists or not, and compares hashes in constant time.
     *
     * @param username the user name given in basic auth
     * @param token    the token given in basic auth
     * @return the result; only {@link TokenCheck#VALID} lets the request in
     */
    TokenCheck verify(String username, CharSequence token);

    /**
     * The dates of a user's current token.
     *
     * @param username the user name
     * @return the token's dates, or empty when the user has none
     */
    Optional<TokenInfo> find(String username);

    /**
     * Deletes a user's token only while it is the given one, as the store itself (not a cache) says:
     * taking back a token just made must not delete a newer one made meanwhile. Stores that cannot
     * compare and delete at once keep this default, which checks and then deletes.
     *
     * @param username the user name
     * @param token    the token to delete
     * @return false when the user's token is another one, or none
     */
    default boolean delete(String username, CharSequence token) {
        return verify(username, token) == TokenCheck.VALID && delete(username);
    }

    /**
     * Deletes a user's token, so basic auth with it fails.
     *
     * @param username the user name
     * @return false when the user had none
     */
    boolean delete(String username);
}
