package dev.oidcsso.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user as recorded at login.
 *
 * @param username    the user name (the framework's key for the user)
 * @param displayName the name to show, or empty when the IdP gave none
 * @param email       the e-mail address, or empty when the IdP gave none
 * @param groups      the groups detected at the last login
 * @param disabled    whether an administrator has disabled the user: refused on every path
 * @param createdAt   when the user first logged in
 * @param lastLogin   when the user last logged in
 * @param identity    the issuer and subject the user is bound to, or empty until their next login
 *                    binds them (a user recorded before binding existed, or unlinked by an admin)
 * @param notBefore   credentials (sessions, access tokens, bearer tokens) issued before this time are
 *                    refused for good; set when an administrator disables the user, kept when re-enabled
 */
public record User(String username, String displayName, String email, Set<String> groups, boolean disabled,
                   Instant createdAt, Instant lastLogin, Optional<IdpIdentity> identity, Optional<Instant> notBefore) {

    /**
     * A user not (yet) bound to an identity at the IdP and never disabled.
     *
     * @param username    the user name
     * @param displayName the display name
     * @param email       the e-mail address
     * @param groups      the groups
     * @param disabled    whether disabled
     * @param createdAt   first login
     * @param lastLogin   last login
     */
    public User(String username, String displayName, String email, Set<String> groups, boolean disabled,
                Instant createdAt, Instant lastLogin) {
        this(username, displayName, email, groups, disabled, createdAt, lastLogin, Optional.empty(), Optional.empty());
    }

    /**
     * A user never disabled.
     *
     * @param username    the user name
     * @param displayName the display name
     * @param email       the e-mail address
     * @param groups      the groups
     * @param disabled    whether disabled
     * @param createdAt   first login
     * @param lastLogin   last login
     * @param identity    the bound issuer and subject, or empty
     */
    public User(String username, String displayName, String email, Set<String> groups, boolean disabled,
                Instant createdAt, Instant lastLogin, Optional<IdpIdentity> identity) {
        this(username, displayName, email, groups, disabled, createdAt, lastLogin, identity, Optional.empty());
    }

    /**
     * Copies the groups.
     *
     * @param username    the user name
     * @param displayName the display name
     * @param email       the e-mail address
     * @param groups      the groups
     * @param disabled    whether disabled
     * @param createdAt   first login
     * @param lastLogin   last login
     * @param identity    the bound issuer and subject, or empty
     * @param notBefore   credentials issued before this time are refused
     */
    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(email, "email");
        groups = Set.copyOf(groups);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastLogin, "lastLogin");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(notBefore, "notBefore");
    }
}
