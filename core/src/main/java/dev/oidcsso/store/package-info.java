/**
 * Store interfaces: users and their groups, permission grants and rules, personal access tokens,
 * browser sessions and used login states, behind {@link dev.oidcsso.store.Store}; the change
 * events that keep every replica's caches fresh; and the typed store settings
 * ({@code OIDC_USERS_DB_URI}, {@code OIDC_DATA_DIR}, pool, timeouts, poll interval, caches).
 *
 * <p>The JDBC implementation (H2 embedded by default, PostgreSQL for several replicas, Flyway
 * migrations, a HikariCP pool) is the separate module {@code oidc-sso-store-jdbc}, package
 * {@code dev.oidcsso.store.jdbc}, so applications without a store carry none of it. Every store
 * method may throw {@link dev.oidcsso.store.StoreUnavailableException} (503) while the database is
 * down.
 */
package dev.oidcsso.store;
