package dev.oidcsso.config;

import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.plugins.NamedServices;
import dev.oidcsso.plugins.PluginCatalog;
import dev.oidcsso.plugins.PluginKind;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.spi.PluginFactory;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one validation pass: merges the sources, finds the plugins, selects the provider profile,
 * parses every settings group, and creates the selected plugins from their own settings. Every
 * problem of every group is collected, and reported together in one {@link SettingsException}, so
 * that an operator fixes a configuration in one start, not one start per problem.
 */
final class SettingsValidation {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsValidation.class);

    private SettingsValidation() {
    }

    static OidcSettings validate(SettingSources sources, ClassLoader classLoader,
                                 Optional<List<ProviderProfileFactory>> profiles) {
        List<String> problems = new ArrayList<>();
        SettingValues userValues = sources.merge(problems);

        Optional<Path> pluginDirectory = userValues.get(SettingNames.PLUGIN_DIR).map(Path::of);
        int before = problems.size();
        PluginCatalog found = PluginCatalog.discover(classLoader, pluginDirectory, problems);
        // Without the folder, a plugin that lives there would be reported as unknown: say only what is wrong.
        boolean folderUsable = problems.size() == before;
        PluginCatalog catalog = profiles.map(found::withProfiles).orElse(found);

        Optional<ProviderProfileFactory> profileFactory = selectProfile(userValues, catalog.profiles(), problems);
        Map<String, String> withDefaults = new LinkedHashMap<>(profileFactory.map(ProviderProfileFactory::defaults).orElse(Map.of()));
        withDefaults.putAll(userValues.asMap());
        SettingValues values = SettingValues.of(withDefaults);

        AccessSettings access = AccessSettings.parse(values, problems);
        ProxySettings proxy = ProxySettings.parse(values, problems);
        if (access.authModes().contains(AuthMode.TRUSTED_HEADER) && proxy.trustedProxies().isEmpty()) {
            problems.add(SettingNames.AUTH_MODE + " includes trusted-header but " + SettingNames.TRUSTED_PROXIES
                    + " is empty: list the reverse proxies' addresses, or anyone could claim to be anyone");
        }
        // Without OIDC login the IdP settings are optional; they still enable bearer tokens when given.
        List<String> oidcProblems = access.oidcLogin() ? problems : new ArrayList<>();

        List<String> profileProblems = new ArrayList<>();
        ProviderProfile profile = profileFactory
                .flatMap(factory -> create(factory, PluginKind.PROVIDER_PROFILE, values, profileProblems))
                .orElseGet(() -> unknownProfile(profileFactory.map(PluginFactory::name).orElse("unknown")));
        Optional<URI> discoveryUrl = values.get(SettingNames.DISCOVERY_URL)
                .map(text -> SettingParsers.absoluteUri(SettingNames.DISCOVERY_URL, text, problems))
                .or(profile::discoveryUrl);
        // A profile that builds the URL has already named the provider setting that is missing.
        if (discoveryUrl.isEmpty() && values.get(SettingNames.DISCOVERY_URL).isEmpty() && profileProblems.isEmpty()) {
            oidcProblems.add(SettingNames.DISCOVERY_URL + " is not set: give the IdP's discovery URL "
                    + "(https://<idp>/.well-known/openid-configuration) or the provider settings that build it");
        }
        ClientSettings client = ClientSettings.parse(values, discoveryUrl, problems, oidcProblems);
        SessionSettings session = SessionSettings.parse(values, problems);
        IdentitySettings identity = IdentitySettings.parse(values);
        CsrfSettings csrf = CsrfSettings.parse(values, problems);
        StoreSettings store = StoreSettings.parse(values, problems);
        PermissionPolicy permissions = PermissionSettings.parse(values, problems);
        WorkloadSettings workloads = WorkloadSettings.parse(values, problems);
        problems.addAll(profileProblems);

        SelectedPlugins plugins = null;
        if (folderUsable) {
            Optional<IdentitySource> source = select(catalog.identitySources(), identity.source(), PluginKind.IDENTITY_SOURCE,
                    values, problems);
            Optional<IdentityValidator> validator = select(catalog.identityValidators(), identity.validator(),
                    PluginKind.IDENTITY_VALIDATOR, values, problems);
            Optional<GroupDetector> detector = select(catalog.groupDetectors(), identity.groupDetector(),
                    PluginKind.GROUP_DETECTOR, values, problems);
            if (source.isPresent() && validator.isPresent() && detector.isPresent()) {
                plugins = new SelectedPlugins(profile, source.get(), validator.get(), detector.get());
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new OidcSettings(values, pluginDirectory, plugins, access, proxy, client, identity, session, csrf, store,
                permissions, workloads);
    }

    private static Optional<ProviderProfileFactory> selectProfile(SettingValues values, NamedServices<ProviderProfileFactory> known,
                                                                  List<String> problems) {
        Optional<String> name = values.get(SettingNames.PROVIDER);
        if (name.isPresent()) {
            return known.select(name.get(), problems);
        }
        Optional<URI> url = values.get(SettingNames.DISCOVERY_URL).flatMap(SettingsValidation::tryUri);
        if (url.isPresent()) {
            for (ProviderProfileFactory profile : known.all()) {
                if (profile.recognises(url.get())) {
                    LOG.info("{} is unset; the discovery URL looks like {}", SettingNames.PROVIDER, profile.name());
                    return Optional.of(profile);
                }
            }
        }
        return known.select("generic", problems);
    }

    private static <T> Optional<T> select(NamedServices<? extends PluginFactory<T>> services, String name, PluginKind kind,
                                          SettingValues values, List<String> problems) {
        return services.select(name, problems).flatMap(factory -> create(factory, kind, values, problems));
    }

    /**
     * Creates a plugin from its own settings; whatever it throws becomes a problem, so that one
     * misconfigured plugin does not hide the others' problems.
     */
    private static <T> Optional<T> create(PluginFactory<T> factory, PluginKind kind, SettingValues values, List<String> problems) {
        try {
            T created = factory.create(PluginCatalog.settingsFor(factory, values.asMap(), SettingNames::isSecret));
            if (created == null) {
                problems.add(kind.description() + " '" + factory.name() + "' (" + PluginCatalog.className(factory)
                        + ") created nothing");
            }
            return Optional.ofNullable(created);
        } catch (SettingsException e) {
            problems.addAll(e.problems());
        } catch (GroupDetectionException | IllegalArgumentException | IllegalStateException e) {
            problems.add(kind.description() + " '" + factory.name() + "': " + e.getMessage());
        } catch (RuntimeException e) {
            // Any other failure is a defect of the plugin; its message may hold anything, so only its type is shown.
            LOG.debug("The {} '{}' failed to start", kind.description(), factory.name(), e);
            problems.add(kind.description() + " '" + factory.name() + "' (" + PluginCatalog.className(factory)
                    + ") failed to start: " + e.getClass().getName());
        }
        return Optional.empty();
    }

    private static ProviderProfile unknownProfile(String name) {
        return () -> name;
    }

    private static Optional<URI> tryUri(String text) {
        try {
            return Optional.of(new URI(text));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
