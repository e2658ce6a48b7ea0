package dev.oidcsso.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users and groups as seen at login. Every method may throw {@link StoreUnavailableException}.
 */
public interface UserStore {

    /**
     * Records a login: creates the user, or refreshes display name, e-mail, groups and last login.
     * A disabled user stays disabled; the caller must refuse the login when
     * {@link User#disabled()} is true.
     *
     * @param username    the user name
     * @param displayName the name to show, or empty
     * @param email       the e-mail address, or empty
     * @param groups      the groups detected at this login; they replace the previous ones
     * @return the user as stored
     */
    User recordLogin(String username, String displayName, String email, Set<String> groups);

    /**
     * Records a browser login of the user bound to an identity at the IdP, in one transaction: a
     * new user, or one not bound yet, is bound to {@code identity} and recorded as
     * {@link #recordLogin(String, String, String, Set)} does; a user bound to the same identity is
     * recorded; a user bound to another identity is left unchanged and returned as stored, so that
     * the caller, seeing {@link User#identity()} differ, refuses the login.
     *
     * @param username    the user name
     * @param displayName the name to show, or empty
     * @param email       the e-mail address, or empty
     * @param groups      the groups detected at this login
     * @param identity    the issuer and subject of this login
     * @return the user as stored
     */
    User recordLogin(String username, String displayName, String email, Set<String> groups, IdpIdentity identity);

    /**
     * Records the login of a returning user whom nothing has changed for, when a store can tell so
     * cheaply: the user is bound to {@code identity}, enabled, and has the display name, e-mail
     * address and groups recorded at their last login. Then only the last login is updated, and
     * the answer is true. Otherwise nothing is written and the answer is false: the caller then
     * records the login with {@link #recordLogin(String, String, String, Set, IdpIdentity)}.
     * Stores that cannot tell cheaply keep this default, which always answers false.
     *
     * @param username    the user name
     * @param displayName the name to show, or empty
     * @param email       the e-mail address, or empty
     * @param groups      the groups detected at this login
     * @param identity    the issuer and subject of this login
     * @return true when the user was unchanged, enabled and bound to this identity, and their last login is recorded
     */
    default boolean touchLogin(String username, String displayName, String email, Set<String> groups, IdpIdentity identity) {
        return false;
    }

    /**
     * Binds a user to an identity at the IdP chosen by an administrator (for example after the
     * user moved to another IdP), replacing any binding.
     *
     * @param username the user name
     * @param identity the issuer and subject to accept from now on
     * @return false when there is no such user
     */
    boolean link(String username, IdpIdentity identity);

    /**
     * Removes a user's binding, so that their next login binds them again to whatever identity
     * brings their user name.
     *
     * @param username the user name
     * @return false when there is no such user
     */
    boolean unlink(String username);

    /**
     * A user, from the cache when warm.
     *
     * @param username the user name
     * @return the user, or empty when never recorded or deleted
     */
    Optional<User> find(String username);

    /**
     * Every user, by user name.
     *
     * @return the users
     */
    List<User> list();

    /**
     * One page of users by user name, filtered and paged by the database.
     *
     * @param search only users whose name, display name or e-mail contains this text (ignoring
     *               case), or empty for all
     * @param after  the user name after which the page starts, or empty for the first page
     * @param limit  the most users to return, at least 1
     * @return the page; its cursor is the last user's name
     */
    Page<User> list(Optional<String> search, Optional<String> after, int limit);

    /**
     * One page of known groups by name, each with its member count, counted by the database.
     *
     * @param after the group name after which the page starts, or empty for the first page
     * @param limit the most groups to return, at least 1
     * @return the page; its cursor is the last group's name
     */
    Page<GroupSize> groupSizes(Optional<String> after, int limit);

    /**
     * Every known group (seen at a login or named by a grant), by name.
     *
     * @return the group names
     */
    List<String> groups();

    /**
     * The users whose last login put them in a group.
     *
     * @param group the group name
     * @return their user names, sorted
     */
    List<String> members(String group);

    /**
     * Disables or enables a user. A disabled user's sessions, tokens and bearer tokens are refused.
     *
     * @param username the user name
     * @param disabled true to disable
     * @return false when there is no such user
     */
    boolean setDisabled(String username, boolean disabled);

    /**
     * Deletes a user with their groups and access token; their grants stay, in case they return.
     *
     * @param username the user name
     * @return false when there was no such user
     */
    boolean delete(String username);
}
