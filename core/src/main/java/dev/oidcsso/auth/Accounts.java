package dev.oidcsso.auth;

import dev.oidcsso.OidcSsoException;
import dev.oidcsso.config.SessionSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.store.IdpIdentity;
import dev.oidcsso.store.Store;
import dev.oidcsso.store.User;
import dev.oidcsso.store.UserStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The users the application has seen, when a database is configured: a login records the user and
 * their groups (refreshing them each time), and a disabled user is refused on every path. Answers
 * come from the store's cache on a warm instance.
 *
 * <p>A browser login binds the user name to the issuer and subject that first brought it; a later
 * login bringing the name with another pair is refused with {@link IdentityMismatchException}.
 * With a store the binding is durable and an administrator can link or unlink it; without one it
 * is kept in memory for the last {@value #MEMORY_BINDINGS} users signed in, until restart.
 */
public final class Accounts {

    /** How many bindings are kept without a store; the least recently used is forgotten first. */
    public static final int MEMORY_BINDINGS = 10_000;

    /** The issuer prefix of workload identities; an IdP's issuer is an https URL and never starts so. */
    private static final String WORKLOAD_ISSUER_PREFIX = "urn:oidc-sso:workload:";

    private final Optional<Store> database;
    private final Clock clock;
    private final Duration groupsMaxStaleness;
    private final Map<String, IdpIdentity> memoryBindings = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, IdpIdentity> eldest) {
            return size() > MEMORY_BINDINGS;
        }
    };

    /**
     * Creates the accounts view.
     *
     * @param database the store, or empty when the application runs without one
     */
    public Accounts(Optional<Store> database) {
        this(database, Clock.systemUTC(), SessionSettings.DEFAULT_GROUPS_MAX_STALENESS);
    }

    /**
     * Creates the accounts view with a bound on how old the groups behind an API credential may be.
     *
     * @param database           the store, or empty when the application runs without one
     * @param clock              the clock
     * @param groupsMaxStaleness {@code OIDC_GROUPS_MAX_STALENESS}
     */
    public Accounts(Optional<Store> database, Clock clock, Duration groupsMaxStaleness) {
        this.database = database;
        this.clock = clock;
        this.groupsMaxStaleness = groupsMaxStaleness;
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
     * Runs a login's writes (the account's record and what the login leads to, such as its
     * session) as one store transaction: all are stored or none is. Without a store, the work runs
     * as it is.
     *
     * @param work the writes
     * @param <T>  what the work returns
     * @return what the work returned, once stored
     */
    public <T> T atomically(java.util.function.Supplier<T> work) {
        return database.isEmpty() ? work.get() : database.get().atomically(work);
    }

    /**
     * Records a browser login bound to the identity at the IdP that brought it: binds a new or
     * unbound user, and refuses one bound to another issuer or subject without changing them.
     *
     * @param username    the user name
     * @param displayName a display name, if known
     * @param email       an e-mail address, if known
     * @param groups      the groups at this login
     * @param identity    the issuer and subject of this login's ID token
     * @throws IdentityMismatchException when the user is bound to another identity
     * @throws AccessRefusedException    when an administrator disabled the user
     */
    public void recordLogin(String username, Optional<String> displayName, Optional<String> email, List<String> groups,
                            IdpIdentity identity) {
        if (database.isEmpty()) {
            bindInMemory(username, identity);
            return;
        }
        UserStore users = database.get().users();
        Set<String> groupSet = new HashSet<>(groups);
        // A returning user whom nothing changed for: one conditional write, which also answers "enabled, bound to this identity".
        if (users.touchLogin(username, displayName.orElse(""), email.orElse(""), groupSet, identity)) {
            return;
        }
        User user = users.recordLogin(username, displayName.orElse(""), email.orElse(""), groupSet, identity);
        if (user.identity().isPresent() && !user.identity().get().equals(identity)) {
            throw new IdentityMismatchException(username, user.identity().get(), identity);
        }
        if (user.disabled()) {
            throw disabled(username);
        }
    }

    /**
     * Refuses a bearer token whose identity is not the one the user is bound to; an unbound or
     * unknown user passes (binding happens at a browser login). The subject must be the bound one,
     * and the bound issuer must be the token's or, since an IdP may spell its issuer differently in
     * access tokens than in ID tokens, one the IdP that verified the token accepts as its own: with
     * several IdPs, no IdP's token speaks for a user of another one, whatever {@code sub} it carries.
     *
     * @param username  the user name the token resolved to
     * @param subject   the token's {@code sub}, or null when it has none
     * @param issuer    the token's {@code iss}
     * @param sameIdp   whether a bound issuer belongs to the IdP that verified the token
     * @throws IdentityMismatchException when the user is bound to another identity
     */
    public void requireIdentity(String username, String subject, String issuer, java.util.function.Predicate<String> sameIdp) {
        Optional<IdpIdentity> bound;
        if (database.isEmpty()) {
            synchronized (memoryBindings) {
                bound = Optional.ofNullable(memoryBindings.get(username));
            }
        } else {
            bound = database.get().users().find(username).flatMap(User::identity);
        }
        if (bound.isPresent() && (!bound.get().subject().equals(subject)
                || !(bound.get().issuer().equals(issuer) || sameIdp.test(bound.get().issuer())))) {
            throw new IdentityMismatchException(username, bound.get(), new IdpIdentity(
                    issuer == null || issuer.isBlank() ? "?" : clip(issuer), subject == null || subject.isBlank() ? "?" : clip(subject)));
        }
    }

    /** Without a store: binds the user in memory, or refuses another identity for a bound one. */
    private void bindInMemory(String username, IdpIdentity identity) {
        IdpIdentity bound;
        synchronized (memoryBindings) {
            bound = memoryBindings.putIfAbsent(username, identity);
        }
        if (bound != null && !bound.equals(identity)) {
            throw new IdentityMismatchException(username, bound, identity);
        }
    }

    /** A proxy's or bearer token's user may not take a workload's name, and with it the workload's groups. */
    private static void refuseWorkloadName(String username, Optional<IdpIdentity> bound) {
        if (bound.isPresent() && bound.get().issuer().startsWith(WORKLOAD_ISSUER_PREFIX)) {
            throw new IdentityMismatchException(username, bound.get(), new IdpIdentity("request", "?"));
        }
    }

    private static String clip(String text) {
        return text.length() <= IdpIdentity.MAX_LENGTH ? text : text.substring(0, IdpIdentity.MAX_LENGTH);
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
        recordIfChanged(username, groups, Optional.empty());
    }

    /**
     * Records a bearer token's user like {@link #recordIfChanged(String, List)}, unless the token's
     * groups are older than the ones recorded (a later login or refresh knows better): an old token
     * must not put back groups the user has lost since it was issued.
     *
     * @param username the user name
     * @param groups   the groups on this request
     * @param groupsAt when these groups were true (the token's {@code iat}), if known
     * @throws AccessRefusedException when an administrator disabled the user
     */
    public void recordIfChanged(String username, List<String> groups, Optional<Instant> groupsAt) {
        if (database.isEmpty()) {
            IdpIdentity bound;
            synchronized (memoryBindings) {
                bound = memoryBindings.get(username);
            }
            refuseWorkloadName(username, Optional.ofNullable(bound));
            return;
        }
        Optional<User> known = database.get().users().find(username);
        refuseWorkloadName(username, known.flatMap(User::identity));
        if (known.isPresent() && known.get().disabled()) {
            throw disabled(username);
        }
        // Also once per half the staleness bound, so that the user's personal access token, whose groups are the
        // recorded ones, stays usable while this user keeps authenticating with fresh groups.
        if (known.isPresent() && groupsAt.isPresent() && groupsAt.get().isBefore(known.get().lastLogin())) {
            return;
        }
        if (known.isEmpty() || !known.get().groups().equals(new HashSet<>(groups))
                || !clock.instant().isBefore(known.get().lastLogin().plus(groupsMaxStaleness.dividedBy(2)))) {
            recordLogin(username, Optional.empty(), Optional.empty(), groups);
        }
    }

    /**
     * The identity a workload's user is bound to. Its issuer is no URL, so no IdP's ID token, bearer
     * token or proxy login can ever present it: the workload's name stays the workload's.
     *
     * @param workload the workload issuer's configured name ({@code OIDC_WORKLOAD_<NAME>_...})
     * @return the identity
     */
    public static IdpIdentity workloadIdentity(String workload) {
        return new IdpIdentity(WORKLOAD_ISSUER_PREFIX + workload, WORKLOAD_ISSUER_PREFIX + workload);
    }

    /**
     * Records the user a workload token stands for, bound to the workload (see
     * {@link #workloadIdentity}), writing only when the user is new, unbound or their groups changed.
     * A person who signed in first under that name keeps it, and the workload is refused: the name
     * is taken, and an administrator must sort it out.
     *
     * @param username the workload's configured user name
     * @param groups   the workload's configured groups
     * @param identity the workload's identity
     * @throws IdentityMismatchException when the name is bound to anyone else
     * @throws AccessRefusedException    when an administrator disabled the user
     */
    public void recordWorkload(String username, List<String> groups, IdpIdentity identity) {
        if (database.isEmpty()) {
            bindInMemory(username, identity);
            return;
        }
        Optional<User> known = database.get().users().find(username);
        if (known.isPresent() && known.get().identity().isPresent() && !known.get().identity().get().equals(identity)) {
            throw new IdentityMismatchException(username, known.get().identity().get(), identity);
        }
        if (known.isPresent() && known.get().disabled()) {
            throw disabled(username);
        }
        if (known.isEmpty() || known.get().identity().isEmpty() || !known.get().groups().equals(new HashSet<>(groups))) {
            recordLogin(username, Optional.empty(), Optional.empty(), groups, identity);
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

    /**
     * Refuses a personal access token whose user's groups were recorded (by a login, a session
     * refresh, a proxy or bearer request) longer than {@code OIDC_GROUPS_MAX_STALENESS} ago: the
     * token acts with those groups, and the user may have left them at the IdP since.
     *
     * @param username the user name
     * @throws OidcSsoException 401 telling the user to sign in again
     */
    public void requireFreshRecordedGroups(String username) {
        Optional<Instant> recorded = database.flatMap(db -> db.users().find(username)).map(User::lastLogin);
        if (recorded.isPresent()) {
            requireFreshGroups(username, recorded.get(), "were recorded at the last sign-in", "Sign in to the application in a browser "
                    + "once to record them again, then retry.");
        }
    }

    /**
     * Refuses a bearer token issued longer than {@code OIDC_GROUPS_MAX_STALENESS} ago: its groups are
     * those of its issue time.
     *
     * @param username the user name
     * @param issuedAt the token's {@code iat}
     * @throws OidcSsoException 401 telling the client to get a new token
     */
    public void requireFreshTokenGroups(String username, Instant issuedAt) {
        requireFreshGroups(username, issuedAt, "come from a token issued", "Get a new token from the identity provider.");
    }

    private void requireFreshGroups(String username, Instant recordedAt, String what, String remedy) {
        if (!clock.instant().isBefore(recordedAt.plus(groupsMaxStaleness))) {
            throw new OidcSsoException(401, "The groups of '" + username + "' " + what + " more than " + groupsMaxStaleness
                    .toString().substring(2).toLowerCase(java.util.Locale.ROOT) + " ago (" + SettingNames.GROUPS_MAX_STALENESS
                    + "), so they may no longer be true. " + remedy);
        }
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

    /**
     * The issuer a user is bound to (their first login's), so that with several IdPs their role is
     * decided with that IdP's groups.
     *
     * @param username the user name
     * @return the bound issuer, or empty when the user is unknown or not bound yet
     */
    public Optional<String> boundIssuer(String username) {
        return boundIdentity(username).map(IdpIdentity::issuer);
    }

    /**
     * The identity a user is bound to (their first login's issuer and subject).
     *
     * @param username the user name
     * @return the bound identity, or empty when the user is unknown or not bound yet
     */
    public Optional<IdpIdentity> boundIdentity(String username) {
        return database.flatMap(db -> db.users().find(username)).flatMap(User::identity)
                .or(() -> {
                    synchronized (memoryBindings) {
                        return Optional.ofNullable(memoryBindings.get(username));
                    }
                });
    }

    private static AccessRefusedException disabled(String username) {
        return new AccessRefusedException("The account '" + username + "' has been disabled by an administrator.");
    }
}
