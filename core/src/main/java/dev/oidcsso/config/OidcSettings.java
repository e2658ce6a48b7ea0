package dev.oidcsso.config;

import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.http.TrustedProxies;
import dev.oidcsso.spi.ProviderProfile;
import dev.oidcsso.spi.ProviderProfileFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Every setting of the framework, parsed and validated: one immutable value made of typed groups
 * ({@link #client()}, {@link #identity()}, {@link #session()}, {@link #proxy()}, {@link #access()},
 * {@link #csrf()}, {@link #store()}, {@link #permissions()}) and the plugins they select
 * ({@link #plugins()}), each parsed or created once.
 *
 * <p>Sources, lowest precedence first: the selected provider profile's defaults, the optional
 * properties file named by {@code OIDC_CONFIG_FILE}, the environment, Java system properties (as
 * {@code OIDC_CLIENT_ID} or {@code oidc.client.id}) and values set on the {@link Builder}. Every
 * problem of every group is collected and reported at once in one {@link SettingsException}.
 * {@link #toString()} never shows a secret.
 */
public final class OidcSettings {

    private final SettingValues values;
    private final Optional<Path> pluginDirectory;
    private final SelectedPlugins plugins;
    private final AccessSettings access;
    private final ProxySettings proxy;
    private final ClientSettings client;
    private final IdentitySettings identity;
    private final SessionSettings session;
    private final CsrfSettings csrf;
    private final StoreSettings store;
    private final PermissionPolicy permissions;
    private final WorkloadSettings workloads;
    private final List<IdpSettings> idps;
    private final Map<String, SettingValues> idpValues;

    // Only the validation pass creates settings, so that no unvalidated value exists.
    OidcSettings(SettingValues values, Optional<Path> pluginDirectory, AccessSettings access, ProxySettings proxy,
                 SessionSettings session, CsrfSettings csrf, StoreSettings store, PermissionPolicy permissions,
                 WorkloadSettings workloads, List<IdpSettings> idps, Map<String, SettingValues> idpValues) {
        this(values, pluginDirectory, idps.get(0).plugins(), access, proxy, idps.get(0).client(), idps.get(0).identity(), session,
                csrf, store, permissions, workloads, idps, idpValues);
    }

    private OidcSettings(SettingValues values, Optional<Path> pluginDirectory, SelectedPlugins plugins, AccessSettings access,
                         ProxySettings proxy, ClientSettings client, IdentitySettings identity, SessionSettings session,
                         CsrfSettings csrf, StoreSettings store, PermissionPolicy permissions, WorkloadSettings workloads,
                         List<IdpSettings> idps, Map<String, SettingValues> idpValues) {
        this.idps = List.copyOf(idps);
        this.idpValues = Map.copyOf(idpValues);
        this.values = values;
        this.pluginDirectory = pluginDirectory;
        this.plugins = plugins;
        this.access = access;
        this.proxy = proxy;
        this.client = client;
        this.identity = identity;
        this.session = session;
        this.csrf = csrf;
        this.store = store;
        this.permissions = permissions;
        this.workloads = workloads;
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

    // ---- the identity providers ----------------------------------------------------------------

    /**
     * The identity providers for browser logins, in the order of {@code OIDC_PROVIDERS}: one, named
     * {@value IdpSettings#DEFAULT_NAME}, unless {@code OIDC_PROVIDERS} names several. {@link #client()},
     * {@link #identity()}, {@link #plugins()} and their shortcuts are the first one's.
     *
     * @return at least one IdP
     */
    public List<IdpSettings> idps() {
        return idps;
    }

    /** @return whether {@code OIDC_PROVIDERS} names the IdPs (then the login may show a chooser) */
    public boolean namedIdps() {
        return !IdpSettings.DEFAULT_NAME.equals(idps.get(0).name()) || idps.size() > 1;
    }

    /**
     * These settings as one IdP sees them: its client, identity settings, plugins and merged values,
     * with everything else shared. Components made for one IdP (discovery, the token validator, the
     * login flow, the identity resolver, logout URLs) are given this.
     *
     * @param idp one of {@link #idps()}
     * @return the settings seen by that IdP
     * @throws IllegalArgumentException when the IdP is not one of these settings
     */
    public OidcSettings forIdp(IdpSettings idp) {
        if (!idps.contains(idp)) {
            throw new IllegalArgumentException("unknown IdP " + idp.name());
        }
        if (idps.size() == 1) {
            return this;
        }
        return new OidcSettings(idpValues.get(idp.name()), pluginDirectory, idp.plugins(), access, proxy, idp.client(),
                idp.identity(), session, csrf, store, permissions, workloads, List.of(idp), Map.of(idp.name(), idpValues.get(idp.name())));
    }

    // ---- the groups -------------------------------------------------------------------------

    /** @return the OAuth client and its IdP */
    public ClientSettings client() {
        return client;
    }

    /** @return identity source, validator, group detector and role groups */
    public IdentitySettings identity() {
        return identity;
    }

    /** @return the session key and lifetime */
    public SessionSettings session() {
        return session;
    }

    /** @return the trusted reverse proxies and their headers */
    public ProxySettings proxy() {
        return proxy;
    }

    /** @return the authentication modes and public paths */
    public AccessSettings access() {
        return access;
    }

    /** @return the CSRF protection settings */
    public CsrfSettings csrf() {
        return csrf;
    }

    /** @return the store's settings (checked even when the application opens no store) */
    public StoreSettings store() {
        return store;
    }

    /** @return the permission policy: {@code PERMISSION_SOURCE_ORDER} and {@code DEFAULT_PERMISSION} */
    public PermissionPolicy permissions() {
        return permissions;
    }

    /** @return the workload issuers trusted for bearer tokens ({@code OIDC_WORKLOAD_ISSUERS}) */
    public WorkloadSettings workloads() {
        return workloads;
    }

    /** @return the selected plugins, each created once from its own settings */
    public SelectedPlugins plugins() {
        return plugins;
    }

    /** @return every merged raw setting, provider defaults included; contains secrets, so never log its values */
    public SettingValues values() {
        return values;
    }

    // ---- shortcuts into the groups ------------------------------------------------------------

    /** @return the selected provider profile */
    public ProviderProfile profile() {
        return plugins.profile();
    }

    /** @return how users authenticate */
    public Set<AuthMode> authModes() {
        return access.authModes();
    }

    /** @return whether browser login through the IdP is enabled */
    public boolean oidcLogin() {
        return access.oidcLogin();
    }

    /** @return the reverse proxies whose headers are believed */
    public TrustedProxies trustedProxies() {
        return proxy.trustedProxies();
    }

    /** @return which forwarding header families are read from trusted proxies: {@code forwarded}, {@code x-forwarded} */
    public Set<String> forwardedHeaders() {
        return proxy.forwardedHeaders();
    }

    /** @return the names of the identity headers a trusted proxy sets */
    public TrustedHeaders trustedHeaders() {
        return proxy.trustedHeaders();
    }

    /** @return the discovery document URL, or null when OIDC login is disabled and none was given */
    public URI discoveryUrl() {
        return client.discoveryUrl().orElse(null);
    }

    /** @return the OAuth client id */
    public String clientId() {
        return client.clientId();
    }

    /** @return the client secret, absent for a public client */
    public Optional<Secret> clientSecret() {
        return client.clientSecret();
    }

    /** @return how the client authenticates at the token endpoint */
    public ClientAuthMethod clientAuthMethod() {
        return client.authMethod();
    }

    /** @return the fixed redirect URI, or empty to work it out from each request */
    public Optional<URI> redirectUri() {
        return client.redirectUri();
    }

    /** @return the requested scopes, always including {@code openid} */
    public List<String> scopes() {
        return client.scopes();
    }

    /** @return the key sealing sessions, or empty when a random one is to be made */
    public Optional<Secret> secretKey() {
        return session.secretKey();
    }

    /** @return the claim path holding the groups */
    public String groupsAttribute() {
        return identity.groupsAttribute();
    }

    /** @return the selected group detector's name */
    public String groupDetector() {
        return identity.groupDetector();
    }

    /** @return the folder searched for plugin jars, if any */
    public Optional<Path> pluginDirectory() {
        return pluginDirectory;
    }

    /** @return groups whose members may use the application */
    public List<String> userGroups() {
        return identity.userGroups();
    }

    /** @return groups whose members administer the application */
    public List<String> adminGroups() {
        return identity.adminGroups();
    }

    /** @return the identity source's name */
    public String identitySource() {
        return identity.source();
    }

    /** @return the claims tried in order for the user name */
    public List<String> usernameClaims() {
        return identity.usernameClaims();
    }

    /** @return the identity validator's name */
    public String identityValidator() {
        return identity.validator();
    }

    /** @return where the IdP sends the browser after logout, or empty for the application's root */
    public Optional<URI> postLogoutRedirectUri() {
        return client.postLogoutRedirectUri();
    }

    /** @return how long a session lasts */
    public Duration sessionMaxAge() {
        return session.maxAge();
    }

    /** @return how long a session may go unused */
    public Duration sessionIdleTimeout() {
        return session.idleTimeout();
    }

    /** @return whether sessions ask for refresh tokens and refresh before the tokens expire ({@code OIDC_REFRESH_TOKENS}) */
    public boolean refreshTokens() {
        return session.refreshTokens();
    }

    /** @return how long before the tokens expire an active session refreshes them ({@code OIDC_REFRESH_BEFORE}) */
    public Duration refreshBefore() {
        return session.refreshBefore();
    }

    /** @return how old the groups behind an access token or bearer token may be ({@code OIDC_GROUPS_MAX_STALENESS}) */
    public Duration groupsMaxStaleness() {
        return session.groupsMaxStaleness();
    }

    /** @return the tolerated clock skew on token times */
    public Duration clockSkew() {
        return client.clockSkew();
    }

    /** @return the timeout of each call to the IdP */
    public Duration httpTimeout() {
        return client.httpTimeout();
    }

    /** @return the audiences accepted in bearer tokens: {@code OIDC_AUDIENCE}, by default the client id */
    public List<String> audiences() {
        return client.audiences();
    }

    /** @return paths served without login */
    public List<String> publicPaths() {
        return access.publicPaths();
    }

    @Override
    public String toString() {
        return "OidcSettings[provider=" + profile().name() + ", " + values + "]";
    }

    /**
     * Parses a duration setting: {@code 500ms}, {@code 45s}, {@code 30m}, {@code 8h}, {@code 1d}, plain
     * seconds, or ISO-8601 such as {@code PT8H}.
     *
     * @param text the value
     * @return the duration, or empty when unparseable
     */
    public static Optional<Duration> parseDuration(String text) {
        return SettingParsers.parseDuration(text);
    }

    /**
     * Collects settings from every source and builds the validated {@link OidcSettings}.
     */
    public static final class Builder {

        private final Map<String, String> environment = new HashMap<>();
        private final Map<String, String> properties = new HashMap<>();
        private final Map<String, String> explicit = new HashMap<>();
        private List<ProviderProfileFactory> profiles;
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
            environment.putAll(SettingSources.fromEnvironment(env));
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
            properties.putAll(SettingSources.fromProperties(props));
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
         * @param factories the profiles' factories
         * @return this builder
         */
        public Builder profiles(List<? extends ProviderProfileFactory> factories) {
            this.profiles = List.copyOf(factories);
            return this;
        }

        /**
         * The class loader searched for plugins (provider profiles, identity sources and validators,
         * group detectors), before the plugin folder {@code OIDC_PLUGIN_DIR}.
         *
         * @param loader the class loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /**
         * Merges the sources, finds the plugins, selects the provider profile, parses every group and
         * creates the selected plugins, in one pass.
         *
         * @return the settings
         * @throws SettingsException listing every problem found
         */
        public OidcSettings build() {
            return SettingsValidation.validate(new SettingSources(environment, properties, explicit), classLoader,
                    Optional.ofNullable(profiles));
        }
    }
}
