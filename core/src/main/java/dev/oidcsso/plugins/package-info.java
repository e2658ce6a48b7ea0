/**
 * Finding plugins once, with one class loader over the class path and the plugin folder
 * ({@link dev.oidcsso.plugins.PluginCatalog}), selecting them by name
 * ({@link dev.oidcsso.plugins.NamedServices}), and handing each only its own settings. Depends on
 * {@code dev.oidcsso.spi} only; {@code dev.oidcsso.config} uses it in its one validation pass.
 */
package dev.oidcsso.plugins;
