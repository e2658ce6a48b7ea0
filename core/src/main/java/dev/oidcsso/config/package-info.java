/**
 * The settings: their sources (environment, system properties, a properties file, the builder),
 * the typed groups they are parsed into ({@link dev.oidcsso.config.ClientSettings},
 * {@link dev.oidcsso.config.IdentitySettings}, {@link dev.oidcsso.config.SessionSettings},
 * {@link dev.oidcsso.config.ProxySettings}, {@link dev.oidcsso.config.AccessSettings},
 * {@link dev.oidcsso.config.CsrfSettings}, {@link dev.oidcsso.config.StoreSettings}, the permission
 * policy) and the one validation pass that parses them all and creates the selected plugins, held
 * together by {@link dev.oidcsso.config.OidcSettings}.
 *
 * <p>Dependencies: this package uses {@code dev.oidcsso.plugins}, {@code dev.oidcsso.spi},
 * {@code dev.oidcsso.authz} (the permission vocabulary) and {@code dev.oidcsso.http}; none of them
 * uses it.
 */
package dev.oidcsso.config;
