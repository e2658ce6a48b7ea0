/**
 * The settings value ({@link dev.oidcsso.config.OidcSettings}) and its loading from the
 * environment, system properties, a properties file and a builder.
 */
package dev.oidcsso.config;
