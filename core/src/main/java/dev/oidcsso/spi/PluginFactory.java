package dev.oidcsso.spi;

import java.util.Set;

/**
 * The one shape of every plugin: a factory with a name that creates the working instance from its
 * own settings, once, at start-up (Helidon's {@code SecurityProviderService}). The factory is what
 * {@link java.util.ServiceLoader} finds; the instance it creates is fully configured, so it needs no
 * "used before configure" guard, and is used from many threads at once, so it must be thread-safe.
 *
 * <p>Each kind of plugin has its own factory interface, which is what is registered (with
 * {@code @AutoService}): {@link ProviderProfileFactory}, {@link IdentitySourceFactory},
 * {@link IdentityValidatorFactory} and {@link GroupDetectorFactory}.
 *
 * @param <T> what the factory creates
 */
public interface PluginFactory<T> {

    /**
     * The name that selects this plugin in configuration; lower case, unique among the plugins of
     * its kind (a duplicate stops start-up).
     *
     * @return for example {@code claim-equals}
     */
    String name();

    /**
     * Other names that select this plugin.
     *
     * @return the aliases, none by default
     */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * The settings this plugin reads: exact names ({@code OIDC_GROUPS_ATTRIBUTE}) or prefixes ending
     * in {@code *} ({@code OIDC_GOOGLE_*}). {@link #create} receives these and no others; a secret
     * ({@code SECRET_KEY}, {@code OIDC_CLIENT_SECRET}, a database URI or password) only when it is
     * named here.
     *
     * @return the declared names and prefixes, none by default
     */
    default Set<String> settingNames() {
        return Set.of();
    }

    /**
     * Creates the configured instance. Called once at start-up, when this plugin is selected.
     *
     * @param settings the settings declared in {@link #settingNames()}
     * @return the instance used for every request
     * @throws RuntimeException when a setting is missing or unusable: a
     *                          {@code dev.oidcsso.config.SettingsException} listing every problem, or
     *                          any exception whose message names the setting to fix; it is reported
     *                          at start-up together with every other configuration problem
     */
    T create(PluginSettings settings);
}
