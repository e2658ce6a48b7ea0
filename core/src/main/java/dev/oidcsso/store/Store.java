package dev.oidcsso.store;

import dev.oidcsso.oidc.CallbackReplayGuard;

/**
 * The user database as the framework sees it: the stores it reads and writes, the changes made on
 * any replica, and whether it answers. {@code OidcSso.builder(settings).database(store)} takes one.
 *
 * <p>The implementation lives outside the core, so an application without a store pulls no JDBC
 * driver, pool or migration tool: the {@code oidc-sso-store-jdbc} module's
 * {@code dev.oidcsso.store.jdbc.Database} opens H2 or PostgreSQL. The application opens the store
 * and closes it at shutdown.
 */
public interface Store {

    /**
     * Users and groups.
     *
     * @return the user store
     */
    UserStore users();

    /**
     * Grants, rules and resource creators; also the {@link dev.oidcsso.authz.PermissionData} of the
     * permission decision.
     *
     * @return the permission store
     */
    PermissionStore permissions();

    /**
     * Personal access tokens.
     *
     * @return the token store
     */
    TokenStore tokens();

    /**
     * Browser sessions, shared by every replica: what a session cookie's id stands for.
     *
     * @return the session store
     */
    dev.oidcsso.session.SessionStore sessions();

    /**
     * The completed logins, so that a replayed callback is refused by every replica.
     *
     * @return the guard
     */
    CallbackReplayGuard callbacks();

    /**
     * Runs several writes of this store's parts (a login's user record and its session, for
     * example) as one transaction: all of them are stored or, when the work throws or the store
     * fails, none is. The default runs the work as it is, for stores whose writes stand alone.
     *
     * @param work the writes
     * @param <T>  what the work returns
     * @return what the work returned, once stored
     * @throws StoreUnavailableException when the store fails; then nothing of the work is stored
     */
    default <T> T atomically(java.util.function.Supplier<T> work) {
        return work.get();
    }

    /**
     * Registers a listener for changes made on any replica, for example a session cache kept
     * elsewhere.
     *
     * @param listener the listener; implementations must be quick and must not throw
     */
    void addChangeListener(ChangeListener listener);

    /**
     * Whether the store answers now, for a readiness probe.
     *
     * @return true when the store can be read
     */
    boolean isAvailable();
}
