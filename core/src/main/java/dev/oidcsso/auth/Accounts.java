package dev.oidcsso.auth;

import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.store.Store;
import dev.oidcsso.store.User;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The users the application has seen, when a database is configured: a login records the user and
 * their groups (refreshing them each time), and a disabled user is refused on every path. Answers
 * come from the store's cache on a warm instance.
 */
public final class Accounts {

    private final Optional<Store> database;

    /**
     * Creates the accounts view.
     *
     * @param database the store, or empty when the application runs without one
     */
    public Accounts(Optional<Store> database) {
        this.database = database;
    }

    /**
     * Records a browser login (or the first request of a proxy or bearer user) and refuses a
     * disabled user.
     *
     * @param username    the user name
     * @param displayName a display name, if known
     * @param email       an e-mail address, if known
     * @param groups      the groups at this login
     * @throws AccessRefusedException when an administrator disabled the user
     */
    public void recordLogin(String username, Optional<String> displayName, Optional<String> email, List<String> groups) {
        if (database.isEmpty()) {
            return;
        }
        User user = database.get().users().recordLogin(username, displayName.orElse(""), email.orElse(""), new HashSet<>(groups));
        if (user.disabled()) {
            throw disabled(username);
        }
    }

    /**
     * Records a user who authenticates per request (proxy headers, bearer tokens) only when they are
     * new or their groups changed, so that a warm request makes no database write.
     *
     * @param username the user name
     * @param groups   the groups on this request
     * @throws AccessRefusedException when an administrator disabled the user
     */
    public void recordIfChanged(String username, List<String> groups) {
        if (database.isEmpty()) {
            return;
        }
        Optional<User> known = database.get().users().find(username);
        if (known.isPresent() && known.get().disabled()) {
            throw disabled(username);
        }
        if (known.isEmpty() || !known.get().groups().equals(new HashSet<>(groups))) {
            recordLogin(username, Optional.empty(), Optional.empty(), groups);
        }
    }

    /**
     * Refuses a user an administrator has disabled.
     *
     * @param username the user name
     * @throws AccessRefusedException when disabled
     */
    public void requireEnabled(String username) {
        if (database.isPresent() && database.get().users().find(username).map(User::disabled).orElse(false)) {
            throw disabled(username);
        }
    }

    /**
     * Refuses a credential of a user that an administrator disabled, now or at any time after the
     * credential was issued.
     *
     * @param username the user name
     * @param issuedAt when the credential (session, token) was issued
     * @throws AccessRefusedException when disabled
     */
    public void requireNotRevoked(String username, java.time.Instant issuedAt) {
        if (database.isEmpty()) {
            return;
        }
        Optional<User> user = database.get().users().find(username);
        if (user.map(User::disabled).orElse(false)) {
            throw disabled(username);
        }
        if (issuedBeforeRevocation(user, issuedAt)) {
            throw new AccessRefusedException("This credential of '" + username + "' was issued before an administrator "
                    + "disabled the account; sign in again or create a new access token.");
        }
    }

    /**
     * Whether a credential was issued before the user's {@code not_before} (an administrator
     * disabled the user since).
     *
     * @param username the user name
     * @param issuedAt when the credential was issued
     * @return true when it must be refused for good
     */
    public boolean issuedBeforeRevocation(String username, java.time.Instant issuedAt) {
        return database.isPresent() && issuedBeforeRevocation(database.get().users().find(username), issuedAt);
    }

    private static boolean issuedBeforeRevocation(Optional<User> user, java.time.Instant issuedAt) {
        return user.flatMap(User::notBefore).filter(issuedAt::isBefore).isPresent();
    }

    /** @return whether users are recorded in a store (their groups are then read from it) */
    public boolean storeBacked() {
        return database.isPresent();
    }

    /**
     * The groups recorded at the user's last login.
     *
     * @param username the user name
     * @return the groups, or empty when the user is unknown
     */
    public Optional<List<String>> recordedGroups(String username) {
        return database.flatMap(db -> db.users().find(username)).map(user -> user.groups().stream().sorted().toList());
    }

    private static AccessRefusedException disabled(String username) {
        return new AccessRefusedException("The account '" + username + "' has been disabled by an administrator.");
    }
}
