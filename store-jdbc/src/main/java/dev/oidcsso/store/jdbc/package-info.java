/**
 * The JDBC store: users and their groups, permission grants and rules, personal access tokens,
 * browser sessions and used login states, in one schema.
 *
 * <p>{@link dev.oidcsso.store.jdbc.Database} is the entry point: it opens a HikariCP pool on the JDBC URL
 * from {@code OIDC_USERS_DB_URI} (an embedded H2 file under {@code OIDC_DATA_DIR} by default,
 * PostgreSQL for several replicas), applies the Flyway migrations in
 * {@code db/oidc-sso} (outside Flyway's default {@code db/migration}, so an
 * application's own Flyway setup never picks them up), and polls the change log so that every replica's caches learn of a
 * logout, a token rotation or a permission change within a second. The per-request questions are
 * answered from those caches; when the database is down, what needs it fails with
 * {@link dev.oidcsso.store.StoreUnavailableException} (503) and the pool recovers by itself.
 */
package dev.oidcsso.store.jdbc;
