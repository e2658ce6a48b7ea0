package dev.oidcsso.config;

import dev.oidcsso.http.TrustedProxies;
import dev.oidcsso.spi.NamedServices;
import dev.oidcsso.spi.ProviderProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every setting of the framework, parsed and validated: one immutable value.
 *
 * <p>Sources, lowest precedence first: the selected provider profile's defaults, the optional
 * properties file named by {@code OIDC_CONFIG_FILE}, the environment, Java system properties (as
 * {@code OIDC_CLIENT_ID} or {@code oidc.client.id}) and values set on the {@link Builder}. Every
 * problem is collected and reported at once in one {@link SettingsException}. {@link #toString()}
 * never shows a secret.
 */
public final class OidcSettings {

    private static final Logger LOG = LoggerFactory.getLogger(OidcSettings.class);
    private static final int MIN_SECRET_KEY_LENGTH = 32;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private final SettingValues values;
    private final ProviderProfile profile;
    private final URI discoveryUrl;
    private final String clientId;
    private final Optional<Secret> clientSecret;
    private final ClientAuthMethod clientAuthMethod;
    private final Optional<URI> redirectUri;
    private final List<String> scopes;
    private final Optional<Secret> secretKey;
    private final String groupsAttribute;
    private final String groupDetector;
    private final Optional<Path> pluginDirectory;
    private final List<String> userGroups;
    private final List<String> adminGroups;
    private final String identitySource;
    private final List<String> usernameClaims;
    private final String identityValidator;
    private final Optional<URI> postLogoutRedirectUri;
    private final Duration sessionMaxAge;
    private final Duration clockSkew;
    private final Duration httpTimeout;
    private final List<String> publicPaths;
    private final Set<AuthMode> authModes;
    private final TrustedProxies trustedProxies;
    private final TrustedHeaders trustedHeaders;
    private final List<String> audiences;
    private final Set<String> forwardedHeaders;

    private OidcSettings(SettingValues values, ProviderProfile profile, List<String> problems) {
        this.values = values;
        this.profile = profile;
        this.authModes = AuthMode.parse(values.list(SettingNames.AUTH_MODE, false), problems);
        this.trustedProxies = TrustedProxies.parse(values.list(SettingNames.TRUSTED_PROXIES, false), problems);
        this.trustedHeaders = new TrustedHeaders(values.get(SettingNames.TRUSTED_HEADER_USER).orElse("X-Forwarded-User"),
                values.get(SettingNames.TRUSTED_HEADER_EMAIL).orElse("X-Forwarded-Email"),
                values.get(SettingNames.TRUSTED_HEADER_GROUPS).orElse("X-Forwarded-Groups"));
        List<String> families = values.list(SettingNames.FORWARDED_HEADERS, false).stream()
                .map(name -> name.toLowerCase(Locale.ROOT)).toList();
        families.stream().filter(name -> !name.equals("forwarded") && !name.equals("x-forwarded")).forEach(name -> problems.add(
                SettingNames.FORWARDED_HEADERS + " entry '" + name + "' is not one of forwarded, x-forwarded"));
        this.forwardedHeaders = families.isEmpty() ? Set.of("forwarded", "x-forwarded") : Set.copyOf(families);
        if (authModes.contains(AuthMode.TRUSTED_HEADER) && trustedProxies.isEmpty()) {
            problems.add(SettingNames.AUTH_MODE + " includes trusted-header but " + SettingNames.TRUSTED_PROXIES
                    + " is empty: list the reverse proxies' addresses, or anyone could claim to be anyone");
        }
        // Without OIDC login the IdP settings are optional; they still enable bearer tokens when given.
        List<String> oidcProblems = authModes.contains(AuthMode.OIDC) ? problems : new ArrayList<>();
        this.discoveryUrl = values.get(SettingNames.DISCOVERY_URL).map(text -> absoluteUri(SettingNames.DISCOVERY_URL, text, problems))
                .or(() -> profile.discoveryUrl(values))
                .orElse(null);
        List<String> profileProblems = profile.validate(values);
        // A profile that builds the URL has already named the provider setting that is missing.
        if (discoveryUrl == null && values.get(SettingNames.DISCOVERY_URL).isEmpty() && profileProblems.isEmpty()) {
            oidcProblems.add(SettingNames.DISCOVERY_URL + " is not set: give the IdP's discovery URL "
                    + "(https://<idp>/.well-known/openid-configuration) or the provider settings that build it");
        }
        this.clientId = required(values, SettingNames.CLIENT_ID, "the client id registered at the IdP", oidcProblems);
        this.clientSecret = values.get(SettingNames.CLIENT_SECRET).map(Secret::of);
        this.clientAuthMethod = values.get(SettingNames.CLIENT_AUTH_METHOD)
                .map(text -> ClientAuthMethod.parse(text).orElseGet(() -> {
                    problems.add(SettingNames.CLIENT_AUTH_METHOD + "='" + text
                            + "' is not one of client_secret_basic, client_secret_post, none");
                    return ClientAuthMethod.CLIENT_SECRET_BASIC;
                }))
                .orElse(ClientAuthMethod.CLIENT_SECRET_BASIC);
        if (clientAuthMethod != ClientAuthMethod.NONE && clientSecret.isEmpty()) {
            oidcProblems.add(SettingNames.CLIENT_SECRET + " is not set: give the client secret from the IdP, or set "
                    + SettingNames.CLIENT_AUTH_METHOD + "=none for a public client");
        }
        this.redirectUri = values.get(SettingNames.REDIRECT_URI).map(text -> absoluteUri(SettingNames.REDIRECT_URI, text, problems));
        List<String> scopeList = values.get(SettingNames.SCOPE).map(text -> SettingValues.splitList(text, true))
                .orElse(List.of("openid", "email", "profile"));
        if (!scopeList.contains("openid")) {
            problems.add(SettingNames.SCOPE + "='" + String.join(" ", scopeList) + "' lacks 'openid', without which the IdP issues no ID token");
        }
        this.scopes = scopeList;
        this.secretKey = values.get(SettingNames.SECRET_KEY).map(Secret::of);
        secretKey.filter(key -> key.length() < MIN_SECRET_KEY_LENGTH).ifPresent(key -> problems.add(
                SettingNames.SECRET_KEY + " is " + key.length() + " characters long; use at least " + MIN_SECRET_KEY_LENGTH
                        + " random characters (for example: openssl rand -base64 48)"));
        this.groupsAttribute = values.get(SettingNames.GROUPS_ATTRIBUTE).orElse("groups");
        this.groupDetector = values.get(SettingNames.GROUP_DETECTION_PLUGIN).orElse("claim").toLowerCase(Locale.ROOT);
        this.pluginDirectory = values.get(SettingNames.PLUGIN_DIR).map(Path::of);
        pluginDirectory.filter(dir -> !Files.isDirectory(dir)).ifPresent(dir -> problems.add(
                SettingNames.PLUGIN_DIR + "='" + dir + "' is not a readable folder"));
        this.userGroups = listOrDefault(values, SettingNames.GROUP_NAME, List.of("mlflow"));
        this.adminGroups = listOrDefault(values, SettingNames.ADMIN_GROUP_NAME, List.of("mlflow-admin"));
        this.identitySource = values.get(SettingNames.IDENTITY_SOURCE).orElse("id_token").toLowerCase(Locale.ROOT);
        this.usernameClaims = listOrDefault(values, SettingNames.USERNAME_CLAIM, List.of("preferred_username", "email", "sub"));
        this.identityValidator = values.get(SettingNames.IDENTITY_VALIDATOR).orElse("none").toLowerCase(Locale.ROOT);
        this.postLogoutRedirectUri = values.get(SettingNames.POST_LOGOUT_REDIRECT_URI)
                .map(text -> absoluteUri(SettingNames.POST_LOGOUT_REDIRECT_URI, text, problems));
        this.sessionMaxAge = duration(values, SettingNames.SESSION_MAX_AGE, Duration.ofHours(8), problems);
        this.clockSkew = duration(values, SettingNames.CLOCK_SKEW, Duration.ofSeconds(60), problems);
        this.httpTimeout = duration(values, SettingNames.HTTP_TIMEOUT, Duration.ofSeconds(5), problems);
        if (clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            problems.add(SettingNames.CLOCK_SKEW + " is " + clockSkew.toSeconds() + "s; more than 300s would accept long-expired tokens");
        }
        this.audiences = listOrDefault(values, SettingNames.AUDIENCE, clientId.isEmpty() ? List.of() : List.of(clientId));
        this.publicPaths = values.list(SettingNames.PUBLIC_PATHS, false);
        publicPaths.stream().filter(path -> !path.startsWith("/")).forEach(path -> problems.add(
                SettingNames.PUBLIC_PATHS + " entry '" + path + "' must start with /"));
        problems.addAll(profileProblems);
    }

    /**
     * A builder whose lowest sources are empty: only what is set on it counts, plus profile defaults.
     * Call {@link Builder#environment(Map)} and {@link Builder#systemProperties(Properties)} to add
     * the process's own sources, or use {@link #fromEnvironment()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings from the process environment, system properties and the optional file.
     *
     * @return the validated settings
     * @throws SettingsException listing every problem
     */
    public static OidcSettings fromEnvironment() {
        return builder().environment(System.getenv()).systemProperties(System.getProperties()).build();
    }

    // ---- accessors -------------------------------------------------------------------------

    /** @return every merged raw setting, for provider profiles and plugins */
    public SettingValues values() {
        return values;
    }

    /** @return the selected provider profile */
    public ProviderProfile profile() {
        return profile;
    }

    /** @return how users authenticate */
    public Set<AuthMode> authModes() {
        return authModes;
    }

    /** @return whether browser login through the IdP is enabled */
    public boolean oidcLogin() {
        return authModes.contains(AuthMode.OIDC);
    }

    /** @return the reverse proxies whose headers are believed */
    public TrustedProxies trustedProxies() {
        return trustedProxies;
    }

    /** @return which forwarding header families are read from trusted proxies: {@code forwarded}, {@code x-forwarded} */
    public Set<String> forwardedHeaders() {
        return forwardedHeaders;
    }

    /** @return the names of the identity headers a trusted proxy sets */
    public TrustedHeaders trustedHeaders() {
        return trustedHeaders;
    }

    /** @return the discovery document URL, or null when OIDC login is disabled and none was given */
    public URI discoveryUrl() {
        return discoveryUrl;
    }

    /** @return the OAuth client id */
    public String clientId() {
        return clientId;
    }

    /** @return the client secret, absent for a public client */
    public Optional<Secret> clientSecret() {
        return clientSecret;
    }

    /** @return how the client authenticates at the token endpoint */
    public ClientAuthMethod clientAuthMethod() {
        return clientAuthMethod;
    }

    /** @return the fixed redirect URI, or empty to work it out from each request */
    public Optional<URI> redirectUri() {
        return redirectUri;
    }

    /** @return the requested scopes, always including {@code openid} */
    public List<String> scopes() {
        return scopes;
    }

    /** @return the key sealing sessions, or empty when a random one is to be made */
    public Optional<Secret> secretKey() {
        return secretKey;
    }

    /** @return the claim path holding the groups */
    public String groupsAttribute() {
        return groupsAttribute;
    }

    /** @return the selected group detector's name */
    public String groupDetector() {
        return groupDetector;
    }

    /** @return the folder searched for plugin jars, if any */
    public Optional<Path> pluginDirectory() {
        return pluginDirectory;
    }

    /** @return groups whose members may use the application */
    public List<String> userGroups() {
        return userGroups;
    }

    /** @return groups whose members administer the application */
    public List<String> adminGroups() {
        return adminGroups;
    }

    /** @return the identity source's name */
    public String identitySource() {
        return identitySource;
    }

    /** @return the claims tried in order for the user name */
    public List<String> usernameClaims() {
        return usernameClaims;
    }

    /** @return the identity validator's name */
    public String identityValidator() {
        return identityValidator;
    }

    /** @return where the IdP sends the browser after logout, or empty for the application's root */
    public Optional<URI> postLogoutRedirectUri() {
        return postLogoutRedirectUri;
    }

    /** @return how long a session lasts */
    public Duration sessionMaxAge() {
        return sessionMaxAge;
    }

    /** @return the tolerated clock skew on token times */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** @return the timeout of each call to the IdP */
    public Duration httpTimeout() {
        return httpTimeout;
    }

    /** @return the audiences accepted in bearer tokens: {@code OIDC_AUDIENCE}, by default the client id */
    public List<String> audiences() {
        return audiences;
    }

    /** @return paths served without login */
    public List<String> publicPaths() {
        return publicPaths;
    }

    @Override
    public String toString() {
        return "OidcSettings[provider=" + profile.name() + ", " + values + "]";
    }

    // ---- parsing helpers --------------------------------------------------------------------

    private static String required(SettingValues values, String name, String what, List<String> problems) {
        return values.get(name).orElseGet(() -> {
            problems.add(name + " is not set: give " + what);
            return "";
        });
    }

    private static List<String> listOrDefault(SettingValues values, String name, List<String> fallback) {
        List<String> list = values.list(name, false);
        return list.isEmpty() ? fallback : list;
    }

    private static URI absoluteUri(String name, String text, List<String> problems) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the same message as any other unusable URL
        }
        problems.add(name + "='" + text + "' is not an absolute http(s) URL without a fragment");
        return null;
    }

    /**
     * Parses a duration setting: {@code 500ms}, {@code 45s}, {@code 30m}, {@code 8h}, {@code 1d}, plain
     * seconds, or ISO-8601 such as {@code PT8H}.
     *
     * @param text the value
     * @return the duration, or empty when unparseable
     */
    public static Optional<Duration> parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            return Optional.of(switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            });
        }
        try {
            return Optional.of(Duration.parse(text.trim().toUpperCase(Locale.ROOT)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Duration duration(SettingValues values, String name, Duration fallback, List<String> problems) {
        return values.get(name).map(text -> parseDuration(text).filter(d -> !d.isNegative()).orElseGet(() -> {
            problems.add(name + "='" + text + "' is not a duration such as 30s, 15m or 8h");
            return fallback;
        })).orElse(fallback);
    }

    /**
     * Collects settings from every source and builds the validated {@link OidcSettings}.
     */
    public static final class Builder {

        private final Map<String, String> environment = new HashMap<>();
        private final Map<String, String> properties = new HashMap<>();
        private final Map<String, String> explicit = new HashMap<>();
        private List<ProviderProfile> profiles;
        private ClassLoader classLoader = OidcSettings.class.getClassLoader();

        private Builder() {
        }

        /**
         * Adds the environment (only {@code OIDC_*} and the framework's few other names are read).
         *
         * @param env the environment, usually {@code System.getenv()}
         * @return this builder
         */
        public Builder environment(Map<String, String> env) {
            env.forEach((name, value) -> {
                if (SettingNames.isOurs(name)) {
                    environment.put(name, value);
                }
            });
            return this;
        }

        /**
         * Adds system properties, named as settings ({@code OIDC_CLIENT_ID}) or dotted
         * ({@code oidc.client.id}).
         *
         * @param props the properties, usually {@code System.getProperties()}
         * @return this builder
         */
        public Builder systemProperties(Properties props) {
            props.stringPropertyNames().forEach(name -> {
                String canonical = SettingNames.canonical(name);
                if (SettingNames.isOurs(canonical)) {
                    properties.put(canonical, props.getProperty(name));
                }
            });
            return this;
        }

        /**
         * Sets one setting at the highest precedence.
         *
         * @param name  the setting's name, for example {@code OIDC_CLIENT_ID}
         * @param value its value
         * @return this builder
         */
        public Builder set(String name, String value) {
            explicit.put(SettingNames.canonical(name), value);
            return this;
        }

        /**
         * Sets every entry at the highest precedence.
         *
         * @param settings names to values
         * @return this builder
         */
        public Builder setAll(Map<String, String> settings) {
            settings.forEach(this::set);
            return this;
        }

        /**
         * Sets {@code OIDC_DISCOVERY_URL}.
         *
         * @param url the discovery URL
         * @return this builder
         */
        public Builder discoveryUrl(String url) {
            return set(SettingNames.DISCOVERY_URL, url);
        }

        /**
         * Sets {@code OIDC_CLIENT_ID} and {@code OIDC_CLIENT_SECRET}.
         *
         * @param clientId     the client id
         * @param clientSecret the client secret
         * @return this builder
         */
        public Builder client(String clientId, String clientSecret) {
            set(SettingNames.CLIENT_ID, clientId);
            return set(SettingNames.CLIENT_SECRET, clientSecret);
        }

        /**
         * Sets {@code SECRET_KEY}.
         *
         * @param secretKey at least 32 random characters
         * @return this builder
         */
        public Builder secretKey(String secretKey) {
            return set(SettingNames.SECRET_KEY, secretKey);
        }

        /**
         * Uses these provider profiles instead of those found with {@link java.util.ServiceLoader}.
         *
         * @param profiles the profiles
         * @return this builder
         */
        public Builder profiles(List<ProviderProfile> profiles) {
            this.profiles = List.copyOf(profiles);
            return this;
        }

        /**
         * The class loader searched for provider profiles.
         *
         * @param loader the class loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /**
         * Merges the sources, selects the provider profile, and validates.
         *
         * @return the settings
         * @throws SettingsException listing every problem found
         */
        public OidcSettings build() {
            List<String> problems = new ArrayList<>();
            Map<String, String> merged = new LinkedHashMap<>();
            Optional<String> file = firstOf(SettingNames.CONFIG_FILE);
            file.ifPresent(path -> merged.putAll(readFile(Path.of(path), problems)));
            merged.putAll(environment);
            merged.putAll(properties);
            merged.putAll(explicit);
            SettingValues userValues = SettingValues.of(merged);

            NamedServices<ProviderProfile> known = profiles != null
                    ? NamedServices.of(profiles, OidcSettings::profileNames, "provider profile", SettingNames.PROVIDER)
                    : NamedServices.load(ProviderProfile.class, classLoader, OidcSettings::profileNames,
                    "provider profile", SettingNames.PROVIDER);
            ProviderProfile profile;
            try {
                profile = selectProfile(userValues, known);
            } catch (SettingsException e) {
                problems.addAll(e.problems());
                profile = new ProviderProfile() {
                    @Override
                    public String name() {
                        return "unknown";
                    }
                };
            }
            Map<String, String> withDefaults = new LinkedHashMap<>(profile.defaults());
            withDefaults.putAll(userValues.asMap());
            OidcSettings settings = new OidcSettings(SettingValues.of(withDefaults), profile, problems);
            checkPluginNames(settings, problems);
            if (!problems.isEmpty()) {
                throw new SettingsException(problems);
            }
            return settings;
        }

        /**
         * Checks that the identity source, identity validator and group detector named exist on the
         * class path or in the plugin folder, so that a misspelt name is reported together with every
         * other problem. Their own settings are checked when the framework configures them.
         */
        private void checkPluginNames(OidcSettings settings, List<String> problems) {
            if (settings.pluginDirectory().isPresent() && !Files.isDirectory(settings.pluginDirectory().get())) {
                return; // already reported; the names cannot be checked without the folder
            }
            List<java.net.URL> jars;
            try {
                jars = settings.pluginDirectory().map(PluginFolder::jars).orElse(List.of());
            } catch (SettingsException e) {
                problems.addAll(e.problems());
                return;
            }
            try (java.net.URLClassLoader loader = new java.net.URLClassLoader(jars.toArray(java.net.URL[]::new), classLoader)) {
                checkName(NamedServices.load(dev.oidcsso.spi.IdentitySource.class, loader, source -> List.of(source.name()),
                        "identity source", SettingNames.IDENTITY_SOURCE), settings.identitySource(), problems);
                checkName(NamedServices.load(dev.oidcsso.spi.IdentityValidator.class, loader, validator -> List.of(validator.name()),
                        "identity validator", SettingNames.IDENTITY_VALIDATOR), settings.identityValidator(), problems);
                checkName(NamedServices.load(dev.oidcsso.groups.GroupDetector.class, loader, detector -> List.of(detector.name()),
                        "group detector", SettingNames.GROUP_DETECTION_PLUGIN), settings.groupDetector(), problems);
            } catch (IOException e) {
                LOG.debug("Closing the class loader that checked plugin names failed", e);
            }
        }

        private static <T> void checkName(NamedServices<T> services, String name, List<String> problems) {
            try {
                services.select(name);
            } catch (SettingsException e) {
                problems.addAll(e.problems());
            }
        }

        private Optional<String> firstOf(String name) {
            return Optional.ofNullable(explicit.get(name))
                    .or(() -> Optional.ofNullable(properties.get(name)))
                    .or(() -> Optional.ofNullable(environment.get(name)))
                    .filter(value -> !value.isBlank());
        }

        private static Map<String, String> readFile(Path path, List<String> problems) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                props.load(reader);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(SettingNames.CONFIG_FILE + "='" + path + "' cannot be read as a properties file: "
                        + e.getClass().getSimpleName());
                return Map.of();
            }
            Map<String, String> values = new HashMap<>();
            props.stringPropertyNames().forEach(name -> values.put(SettingNames.canonical(name), props.getProperty(name)));
            return values;
        }

        private static ProviderProfile selectProfile(SettingValues values, NamedServices<ProviderProfile> known) {
            Optional<String> name = values.get(SettingNames.PROVIDER);
            if (name.isPresent()) {
                return known.select(name.get());
            }
            Optional<URI> url = values.get(SettingNames.DISCOVERY_URL).flatMap(OidcSettings::tryUri);
            if (url.isPresent()) {
                for (ProviderProfile profile : known.all()) {
                    if (profile.recognises(url.get())) {
                        LOG.info("{} is unset; the discovery URL looks like {}", SettingNames.PROVIDER, profile.name());
                        return profile;
                    }
                }
            }
            return known.select("generic");
        }
    }

    private static Set<String> profileNames(ProviderProfile profile) {
        Set<String> names = new java.util.LinkedHashSet<>();
        names.add(profile.name());
        names.addAll(profile.aliases());
        return names;
    }

    private static Optional<URI> tryUri(String text) {
        try {
            return Optional.of(new URI(text));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
