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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

        Optional<List<String>> idpNames = userValues.get(SettingNames.PROVIDERS).map(text -> idpNames(text, problems));
        if (idpNames.isEmpty()) {
            return single(userValues, pluginDirectory, catalog, folderUsable, problems);
        }
        return several(userValues, idpNames.get(), pluginDirectory, catalog, folderUsable, problems);
    }

    /** Today's names, one IdP: every problem in the order an operator has always seen them. */
    private static OidcSettings single(SettingValues userValues, Optional<Path> pluginDirectory, PluginCatalog catalog,
                                       boolean folderUsable, List<String> problems) {
        Optional<ProviderProfileFactory> profileFactory = selectProfile(userValues, catalog.profiles(), problems);
        SettingValues values = withDefaults(profileFactory, userValues);

        AccessSettings access = AccessSettings.parse(values, problems);
        ProxySettings proxy = parseProxy(values, access, problems);
        // Without OIDC login the IdP settings are optional; they still enable bearer tokens when given.
        List<String> oidcProblems = access.oidcLogin() ? problems : new ArrayList<>();
        List<String> profileProblems = new ArrayList<>();
        IdpParts parts = idpParts(profileFactory, values, problems, oidcProblems, profileProblems);
        SessionSettings session = SessionSettings.parse(values, problems);
        CsrfSettings csrf = CsrfSettings.parse(values, problems);
        StoreSettings store = StoreSettings.parse(values, problems);
        PermissionPolicy permissions = PermissionSettings.parse(values, problems);
        WorkloadSettings workloads = WorkloadSettings.parse(values, problems);
        problems.addAll(profileProblems);
        Optional<IdpSettings> idp = plugins(IdpSettings.DEFAULT_NAME, parts, values, catalog, folderUsable, problems);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new OidcSettings(values, pluginDirectory, access, proxy, session, csrf, store, permissions, workloads,
                List.of(idp.orElseThrow()), Map.of(IdpSettings.DEFAULT_NAME, values));
    }

    /**
     * {@code OIDC_PROVIDERS=staff,partners}: each IdP's settings are its own {@code OIDC_STAFF_*} names
     * over the unprefixed ones (shared defaults), except those that name an IdP, which each sets
     * itself. Each IdP's problems are named with its own setting names.
     */
    private static OidcSettings several(SettingValues userValues, List<String> names, Optional<Path> pluginDirectory,
                                        PluginCatalog catalog, boolean folderUsable, List<String> problems) {
        Map<String, Map<String, String>> own = new LinkedHashMap<>();
        names.forEach(name -> own.put(name, new LinkedHashMap<>()));
        Map<String, String> shared = new LinkedHashMap<>();
        for (Map.Entry<String, String> setting : userValues.asMap().entrySet()) {
            Optional<String> idp = names.stream().filter(name -> setting.getKey().startsWith(idpPrefix(name))).findFirst();
            if (idp.isPresent()) {
                own.get(idp.get()).put("OIDC_" + setting.getKey().substring(idpPrefix(idp.get()).length()), setting.getValue());
            } else if (SettingNames.OWN_PER_IDP.contains(setting.getKey())) {
                problems.add(setting.getKey() + " is set, but " + SettingNames.PROVIDERS + " names several IdPs: set "
                        + SettingNames.forIdp(names.get(0), setting.getKey()) + " (and so on for each IdP) instead");
            } else {
                unknownIdp(setting.getKey(), names).ifPresent(problems::add);
                shared.put(setting.getKey(), setting.getValue());
            }
        }
        SettingValues values = SettingValues.of(shared);
        AccessSettings access = AccessSettings.parse(values, problems);
        ProxySettings proxy = parseProxy(values, access, problems);
        SessionSettings session = SessionSettings.parse(values, problems);
        CsrfSettings csrf = CsrfSettings.parse(values, problems);
        StoreSettings store = StoreSettings.parse(values, problems);
        PermissionPolicy permissions = PermissionSettings.parse(values, problems);
        WorkloadSettings workloads = WorkloadSettings.parse(values, problems);

        List<IdpSettings> idps = new ArrayList<>();
        Map<String, SettingValues> idpValues = new LinkedHashMap<>();
        Set<String> reported = new LinkedHashSet<>(problems);
        Map<URI, String> byDiscoveryUrl = new HashMap<>();
        for (String name : names) {
            Map<String, String> view = new LinkedHashMap<>(shared);
            view.putAll(own.get(name));
            SettingValues idpUserValues = SettingValues.of(view);
            List<String> idpProblems = new ArrayList<>();
            Optional<ProviderProfileFactory> profileFactory = selectProfile(idpUserValues, catalog.profiles(), idpProblems);
            SettingValues idpValuesWithDefaults = withDefaults(profileFactory, idpUserValues);
            List<String> profileProblems = new ArrayList<>();
            IdpParts parts = idpParts(profileFactory, idpValuesWithDefaults, idpProblems,
                    access.oidcLogin() ? idpProblems : new ArrayList<>(), profileProblems);
            idpProblems.addAll(profileProblems);
            if (access.oidcLogin() && parts.client().authMethod() == ClientAuthMethod.NONE) {
                // RFC 9700 4.4: the IdPs share one callback, so a hostile IdP can send a login on to another IdP and
                // receive its code and PKCE verifier at its own token endpoint; only a client secret keeps that code useless.
                idpProblems.add(SettingNames.CLIENT_AUTH_METHOD + "=none (a public client) cannot be used with several IdPs: "
                        + "another IdP could obtain its authorization codes (OAuth mix-up); register a confidential client");
            }
            Optional<IdpSettings> idp = plugins(name, parts, idpValuesWithDefaults, catalog, folderUsable, idpProblems);
            for (String problem : idpProblems) {
                // A problem of a shared value is the same for every IdP: reported once, as it is named.
                if (!reported.contains(problem)) {
                    String named = "IdP '" + name + "': " + renamed(problem, name, own.get(name).keySet());
                    if (reported.add(named)) {
                        problems.add(named);
                    }
                }
            }
            idp.ifPresent(idps::add);
            idpValues.put(name, idpValuesWithDefaults);
            parts.client().discoveryUrl().ifPresent(url -> {
                String other = byDiscoveryUrl.putIfAbsent(sameDocument(url), name);
                if (other != null) {
                    problems.add("IdPs '" + other + "' and '" + name + "' have the same discovery URL " + url
                            + ": two IdPs cannot share one issuer (their tokens, logins and logouts could not be told apart); "
                            + "configure that IdP once");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new OidcSettings(values, pluginDirectory, access, proxy, session, csrf, store, permissions, workloads, idps,
                idpValues);
    }

    /** A discovery URL as the document it names: scheme and host in any case, a trailing slash or not. */
    private static URI sameDocument(URI url) {
        URI normal = url.normalize();
        if (normal.getHost() == null || normal.getScheme() == null) {
            return normal;
        }
        String scheme = normal.getScheme().toLowerCase(Locale.ROOT);
        String host = normal.getHost().toLowerCase(Locale.ROOT);
        String path = normal.getRawPath() == null ? "" : normal.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + host + (normal.getPort() < 0 ? "" : ":" + normal.getPort()) + path
                        + (normal.getRawQuery() == null ? "" : "?" + normal.getRawQuery()));
    }

    /** What one IdP's settings make before its plugins are created. */
    private record IdpParts(ProviderProfile profile, ClientSettings client, IdentitySettings identity, String displayName,
                            List<String> emailDomains) {
    }

    private static IdpParts idpParts(Optional<ProviderProfileFactory> profileFactory, SettingValues values, List<String> problems,
                                     List<String> oidcProblems, List<String> profileProblems) {
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
        IdentitySettings identity = IdentitySettings.parse(values);
        List<String> domains = new ArrayList<>();
        for (String domain : SettingParsers.listOrDefault(values, SettingNames.EMAIL_DOMAINS, List.of())) {
            String lower = domain.toLowerCase(Locale.ROOT).replaceFirst("^@", "");
            if (!lower.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                problems.add(SettingNames.EMAIL_DOMAINS + " has '" + domain + "', which is not a domain such as example.com");
            } else {
                domains.add(lower);
            }
        }
        String displayName = values.get(SettingNames.DISPLAY_NAME).map(String::trim).orElse("");
        if (displayName.length() > 100) {
            problems.add(SettingNames.DISPLAY_NAME + " is " + displayName.length() + " characters long; at most 100 fit a button");
        }
        return new IdpParts(profile, client, identity, displayName, domains);
    }

    private static Optional<IdpSettings> plugins(String name, IdpParts parts, SettingValues values, PluginCatalog catalog,
                                                 boolean folderUsable, List<String> problems) {
        if (!folderUsable) {
            return Optional.empty();
        }
        IdentitySettings identity = parts.identity();
        Optional<IdentitySource> source = select(catalog.identitySources(), identity.source(), PluginKind.IDENTITY_SOURCE,
                values, problems);
        Optional<IdentityValidator> validator = select(catalog.identityValidators(), identity.validator(),
                PluginKind.IDENTITY_VALIDATOR, values, problems);
        Optional<GroupDetector> detector = select(catalog.groupDetectors(), identity.groupDetector(),
                PluginKind.GROUP_DETECTOR, values, problems);
        if (source.isEmpty() || validator.isEmpty() || detector.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new IdpSettings(name, parts.displayName().isEmpty() ? name : parts.displayName(), parts.client(),
                identity, new SelectedPlugins(parts.profile(), source.get(), validator.get(), detector.get()), parts.emailDomains()));
    }

    private static SettingValues withDefaults(Optional<ProviderProfileFactory> profileFactory, SettingValues userValues) {
        Map<String, String> withDefaults = new LinkedHashMap<>(profileFactory.map(ProviderProfileFactory::defaults).orElse(Map.of()));
        withDefaults.putAll(userValues.asMap());
        return SettingValues.of(withDefaults);
    }

    private static ProxySettings parseProxy(SettingValues values, AccessSettings access, List<String> problems) {
        ProxySettings proxy = ProxySettings.parse(values, problems);
        if (access.authModes().contains(AuthMode.TRUSTED_HEADER) && proxy.trustedProxies().isEmpty()) {
            problems.add(SettingNames.AUTH_MODE + " includes trusted-header but " + SettingNames.TRUSTED_PROXIES
                    + " is empty: list the reverse proxies' addresses, or anyone could claim to be anyone");
        }
        return proxy;
    }

    /** The names of {@code OIDC_PROVIDERS}: lower-case letters and digits, so that {@code OIDC_<NAME>_...} reads one way. */
    private static List<String> idpNames(String text, List<String> problems) {
        List<String> names = new ArrayList<>();
        for (String entry : SettingValues.splitList(text, true)) {
            String name = entry.toLowerCase(Locale.ROOT);
            if (!IDP_NAME.matcher(name).matches()) {
                problems.add(SettingNames.PROVIDERS + " has '" + entry + "', which is not an IdP name: use 1 to 20 letters "
                        + "and digits, starting with a letter (for example staff, partners)");
            } else if (names.contains(name)) {
                problems.add(SettingNames.PROVIDERS + " names '" + name + "' twice");
            } else {
                names.add(name);
            }
        }
        if (names.isEmpty() && problems.stream().noneMatch(p -> p.startsWith(SettingNames.PROVIDERS))) {
            problems.add(SettingNames.PROVIDERS + " is set but names no IdP: list them (staff,partners), or unset it for one IdP");
        }
        return names;
    }

    private static String idpPrefix(String name) {
        return "OIDC_" + name.toUpperCase(Locale.ROOT) + "_";
    }

    /** {@code OIDC_PARTNER_CLIENT_ID} when {@code partner} is not among the IdPs: a typo that would be silently ignored. */
    private static Optional<String> unknownIdp(String setting, List<String> names) {
        java.util.regex.Matcher matcher = PER_IDP_NAME.matcher(setting);
        if (!matcher.matches() || SettingNames.PER_IDP.contains(setting) || !SettingNames.PER_IDP.contains("OIDC_" + matcher.group(2))) {
            return Optional.empty();
        }
        return Optional.of(setting + " is for an IdP named '" + matcher.group(1).toLowerCase(Locale.ROOT) + "', which "
                + SettingNames.PROVIDERS + " does not name (it names " + String.join(", ", names) + ")");
    }

    /** A problem of one IdP with that IdP's own setting names, where the IdP set the value or must set it. */
    private static String renamed(String problem, String idp, Set<String> ownNames) {
        java.util.regex.Matcher matcher = SETTING_IN_TEXT.matcher(problem);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String setting = matcher.group();
            boolean idps = ownNames.contains(setting) || SettingNames.OWN_PER_IDP.contains(setting);
            matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(idps ? SettingNames.forIdp(idp, setting) : setting));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static final java.util.regex.Pattern IDP_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9]{0,19}");
    private static final java.util.regex.Pattern PER_IDP_NAME = java.util.regex.Pattern.compile("OIDC_([A-Z][A-Z0-9]{0,19})_([A-Z0-9_]+)");
    private static final java.util.regex.Pattern SETTING_IN_TEXT = java.util.regex.Pattern.compile("\\bOIDC_[A-Z0-9_]+\\b");

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
