package dev.oidcsso.plugins;

import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.IdentitySourceFactory;
import dev.oidcsso.spi.IdentityValidatorFactory;
import dev.oidcsso.spi.PluginFactory;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.spi.ProviderProfileFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every plugin, found once with one class loader: the application's class path plus the jars of
 * the plugin folder ({@code OIDC_PLUGIN_DIR}). Per kind, the factories are indexed by name and
 * alias; a name claimed twice, or a name nothing claims, is reported when selected.
 *
 * <p>The class loader over the plugin folder is never closed: the plugins created from it live as
 * long as the settings that hold them, and may load more of their classes at any time.
 */
public final class PluginCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(PluginCatalog.class);

    private final ClassLoader classLoader;
    private final NamedServices<ProviderProfileFactory> profiles;
    private final NamedServices<IdentitySourceFactory> identitySources;
    private final NamedServices<IdentityValidatorFactory> identityValidators;
    private final NamedServices<GroupDetectorFactory> groupDetectors;

    private PluginCatalog(ClassLoader classLoader, NamedServices<ProviderProfileFactory> profiles,
                          NamedServices<IdentitySourceFactory> identitySources,
                          NamedServices<IdentityValidatorFactory> identityValidators,
                          NamedServices<GroupDetectorFactory> groupDetectors) {
        this.classLoader = classLoader;
        this.profiles = profiles;
        this.identitySources = identitySources;
        this.identityValidators = identityValidators;
        this.groupDetectors = groupDetectors;
    }

    /**
     * Finds every plugin on the class loader and in the plugin folder.
     *
     * @param parent   the application's class loader
     * @param folder   the plugin folder, if one is configured
     * @param problems where an unusable folder is reported
     * @return the catalog; over the class path alone when the folder is unusable
     */
    public static PluginCatalog discover(ClassLoader parent, Optional<Path> folder, List<String> problems) {
        ClassLoader loader = parent;
        if (folder.isPresent()) {
            Optional<List<URL>> jars = PluginFolder.jars(folder.get(), problems);
            if (jars.isPresent()) {
                LOG.info("Plugin folder {}: {}", folder.get(), jars.get().stream().map(URL::getPath).toList());
                loader = new URLClassLoader("oidc-sso-plugins", jars.get().toArray(URL[]::new), parent);
            }
        }
        List<GroupDetectorFactory> detectors = new ArrayList<>(
                NamedServices.find(GroupDetectorFactory.class, loader, PluginKind.GROUP_DETECTOR.description()));
        // Plugins built against the group detection API register the detector itself.
        NamedServices.find(GroupDetector.class, loader, PluginKind.GROUP_DETECTOR.description())
                .forEach(prototype -> detectors.add(new DeclaredGroupDetector(prototype)));
        return new PluginCatalog(loader,
                index(NamedServices.find(ProviderProfileFactory.class, loader, PluginKind.PROVIDER_PROFILE.description()),
                        PluginKind.PROVIDER_PROFILE),
                index(NamedServices.find(IdentitySourceFactory.class, loader, PluginKind.IDENTITY_SOURCE.description()),
                        PluginKind.IDENTITY_SOURCE),
                index(NamedServices.find(IdentityValidatorFactory.class, loader, PluginKind.IDENTITY_VALIDATOR.description()),
                        PluginKind.IDENTITY_VALIDATOR),
                index(detectors, PluginKind.GROUP_DETECTOR));
    }

    /**
     * The same catalog with other provider profiles (tests and applications that pick their own).
     *
     * @param factories the profile factories
     * @return a new catalog
     */
    public PluginCatalog withProfiles(List<? extends ProviderProfileFactory> factories) {
        return new PluginCatalog(classLoader, index(List.copyOf(factories), PluginKind.PROVIDER_PROFILE),
                identitySources, identityValidators, groupDetectors);
    }

    /** @return the provider profile factories */
    public NamedServices<ProviderProfileFactory> profiles() {
        return profiles;
    }

    /** @return the identity source factories */
    public NamedServices<IdentitySourceFactory> identitySources() {
        return identitySources;
    }

    /** @return the identity validator factories */
    public NamedServices<IdentityValidatorFactory> identityValidators() {
        return identityValidators;
    }

    /** @return the group detector factories, those of plugins registering a bare {@code GroupDetector} included */
    public NamedServices<GroupDetectorFactory> groupDetectors() {
        return groupDetectors;
    }

    /** @return the one class loader plugins were found with */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /**
     * The settings a plugin receives: those it declared, by exact name or by prefix; a secret only
     * when declared by its exact name, since a prefix such as {@code OIDC_*} must never carry the
     * client secret along.
     *
     * @param factory  the plugin's factory
     * @param all      every merged setting
     * @param isSecret which setting names hold secrets
     * @return the plugin's own settings
     */
    public static PluginSettings settingsFor(PluginFactory<?> factory, Map<String, String> all, Predicate<String> isSecret) {
        Set<String> declared = factory.settingNames();
        Map<String, String> own = new LinkedHashMap<>();
        all.forEach((name, value) -> {
            if (PluginSettings.declares(declared, name) && (!isSecret.test(name) || declared.contains(name))) {
                own.put(name, value);
            }
        });
        return PluginSettings.of(own);
    }

    /**
     * The class to name in messages about a factory: what a wrapper wraps.
     *
     * @param factory the factory
     * @return the class name
     */
    public static String className(PluginFactory<?> factory) {
        return factory instanceof DeclaredGroupDetector wrapper ? wrapper.className() : factory.getClass().getName();
    }

    private static <T extends PluginFactory<?>> NamedServices<T> index(List<T> found, PluginKind kind) {
        return NamedServices.of(found, PluginCatalog::names, PluginCatalog::className, kind.description(), kind.settingName());
    }

    private static Set<String> names(PluginFactory<?> factory) {
        Set<String> names = new LinkedHashSet<>();
        names.add(factory.name());
        names.addAll(factory.aliases());
        return names;
    }
}
