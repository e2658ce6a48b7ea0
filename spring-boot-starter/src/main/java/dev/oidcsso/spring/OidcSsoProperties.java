package dev.oidcsso.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code oidc-sso.*} properties of {@code application.yml} or {@code application.properties},
 * with Spring's relaxed binding ({@code oidc-sso.client-id}, {@code oidcSso.clientId} and the
 * environment variable {@code OIDCSSO_CLIENTID} are one property). Each one is the setting of the
 * same name in the README's table ({@code oidc-sso.client-id} is {@code OIDC_CLIENT_ID}); the
 * {@code OIDC_*} environment variables keep working and win over these.
 *
 * <p>Settings without a property here (provider keys such as {@code OIDC_OKTA_DOMAIN}) go in
 * {@code oidc-sso.settings}: {@code oidc-sso.settings.okta-domain=example.okta.com}.
 */
@ConfigurationProperties(prefix = OidcSsoProperties.PREFIX)
public class OidcSsoProperties {

    /** The prefix of every property. */
    public static final String PREFIX = "oidc-sso";

    /** Provider profile: generic, okta, auth0, google, cognito, entra (worked out from the discovery URL when unset). */
    private String provider;
    /** The identity provider's discovery document URL (https://idp/.well-known/openid-configuration). */
    private String discoveryUrl;
    /** The client id registered at the identity provider. */
    private String clientId;
    /** The client secret from the identity provider. */
    private String clientSecret;
    /** How the client authenticates at the token endpoint: client_secret_basic, client_secret_post or none. */
    private String clientAuthMethod;
    /** The absolute callback URL registered at the identity provider; worked out from the request when unset. */
    private String redirectUri;
    /** Requested scopes, separated by spaces or commas (default openid email profile). */
    private String scope;
    /** The key that seals sessions and login state: at least 32 random characters. Random (sessions end at restart) when unset. */
    private String secretKey;
    /** The claim path that holds the groups (default groups). */
    private String groupsAttribute;
    /** The name of the group detector (default claim). */
    private String groupDetectionPlugin;
    /** A folder whose jar files are searched for plugins. */
    private String pluginDir;
    /** Groups whose members may use the application (default mlflow). */
    private List<String> groupName;
    /** Groups whose members administer the application (default mlflow-admin). */
    private List<String> adminGroupName;
    /** Where identity claims come from: id_token (default) or userinfo. */
    private String identitySource;
    /** Claims tried in order for the user name (default preferred_username, email, sub). */
    private List<String> usernameClaim;
    /** Which identity validator decides whether an identity may use the application: none (default), claim-equals, expression. */
    private String identityValidator;
    /** Where the identity provider sends the browser after logout. */
    private String postLogoutRedirectUri;
    /** How long a session lasts (default 8h). */
    private Duration sessionMaxAge;
    /** How long a session may go unused before it ends (default 1h); activity extends only this one. */
    private Duration sessionIdleTimeout;
    /** A Domain for the framework's cookies, which are then named __Secure- rather than __Host- (default none: host-only). */
    private String cookieDomain;
    /** Whether sessions ask for a refresh token and refresh the identity provider's tokens before they expire (default false). */
    private Boolean refreshTokens;
    /** How long before the identity provider's tokens expire an active session refreshes them (default 60s). */
    private Duration refreshBefore;
    /** How old the groups behind a personal access token or a bearer token may be (default 24h). */
    private Duration groupsMaxStaleness;
    /** The clock skew tolerated on token times (default 60s, at most 5m). */
    private Duration clockSkew;
    /** Timeout of each call to the identity provider (default 5s). */
    private Duration httpTimeout;
    /** The accepted audiences of bearer tokens (default the client id). */
    private List<String> audience;
    /** Paths served without login: exact paths, or prefixes ending with /. */
    private List<String> publicPaths;
    /** How users authenticate: oidc (default), trusted-header, or both. */
    private List<String> authMode;
    /** Addresses and CIDR ranges of reverse proxies whose forwarding and identity headers are believed. */
    private List<String> trustedProxies;
    /** Which forwarding headers a trusted proxy sets: forwarded, x-forwarded, or both (default). */
    private List<String> forwardedHeaders;
    /** Whether oidc-sso checks CSRF on the application's own state-changing paths (default true; then Spring Security's CSRF filter is switched off, see the README). */
    private Boolean csrfAppPaths;
    /** The user database (PostgreSQL URI or JDBC URL). Setting it or data-dir enables the store: access tokens, permissions, the REST API and the UI. */
    private String usersDbUri;
    /** Folder of the embedded H2 user database. Setting it or users-db-uri enables the store. */
    private String dataDir;
    /** The permission level when no grant or rule answers: NO_PERMISSIONS, READ, USE, EDIT, MANAGE. */
    private String defaultPermission;
    /** The order in which permission sources are asked: user, group, regex, group-regex. */
    private List<String> permissionSourceOrder;
    /**
     * The application's resource types for permissions, for example experiment, registered_model.
     * With a store they enable hasPermission(...) and the grant routes of the REST API.
     */
    private List<String> resourceTypes = new ArrayList<>();
    /** Several identity providers by name: providers.staff.client-id is OIDC_STAFF_CLIENT_ID, the names OIDC_PROVIDERS. */
    private Map<String, OidcSsoIdpProperties> providers = new LinkedHashMap<>();
    /** Any other setting, by its name without the OIDC_ prefix: okta-domain=example.okta.com is OIDC_OKTA_DOMAIN. */
    private Map<String, String> settings = new LinkedHashMap<>();

    /** @return provider profile: generic, okta, auth0, google, cognito, entra (worked out from the discovery URL when unset). */
    public String getProvider() {
        return provider;
    }

    /** @param provider provider profile: generic, okta, auth0, google, cognito, entra (worked out from the discovery URL when unset). */
    public void setProvider(String provider) {
        this.provider = provider;
    }
    /** @return the identity provider's discovery document URL (https://idp/.well-known/openid-configuration). */
    public String getDiscoveryUrl() {
        return discoveryUrl;
    }

    /** @param discoveryUrl the identity provider's discovery document URL (https://idp/.well-known/openid-configuration). */
    public void setDiscoveryUrl(String discoveryUrl) {
        this.discoveryUrl = discoveryUrl;
    }
    /** @return the client id registered at the identity provider. */
    public String getClientId() {
        return clientId;
    }

    /** @param clientId the client id registered at the identity provider. */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }
    /** @return the client secret from the identity provider. */
    public String getClientSecret() {
        return clientSecret;
    }

    /** @param clientSecret the client secret from the identity provider. */
    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }
    /** @return how the client authenticates at the token endpoint: client_secret_basic, client_secret_post or none. */
    public String getClientAuthMethod() {
        return clientAuthMethod;
    }

    /** @param clientAuthMethod how the client authenticates at the token endpoint: client_secret_basic, client_secret_post or none. */
    public void setClientAuthMethod(String clientAuthMethod) {
        this.clientAuthMethod = clientAuthMethod;
    }
    /** @return the absolute callback URL registered at the identity provider; worked out from the request when unset. */
    public String getRedirectUri() {
        return redirectUri;
    }

    /** @param redirectUri the absolute callback URL registered at the identity provider; worked out from the request when unset. */
    public void setRedirectUri(String redirectUri) {
        this.redirectUri = redirectUri;
    }
    /** @return requested scopes, separated by spaces or commas (default openid email profile). */
    public String getScope() {
        return scope;
    }

    /** @param scope requested scopes, separated by spaces or commas (default openid email profile). */
    public void setScope(String scope) {
        this.scope = scope;
    }
    /** @return the key that seals sessions and login state: at least 32 random characters. Random (sessions end at restart) when unset. */
    public String getSecretKey() {
        return secretKey;
    }

    /** @param secretKey the key that seals sessions and login state: at least 32 random characters. Random (sessions end at restart) when unset. */
    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }
    /** @return the claim path that holds the groups (default groups). */
    public String getGroupsAttribute() {
        return groupsAttribute;
    }

    /** @param groupsAttribute the claim path that holds the groups (default groups). */
    public void setGroupsAttribute(String groupsAttribute) {
        this.groupsAttribute = groupsAttribute;
    }
    /** @return the name of the group detector (default claim). */
    public String getGroupDetectionPlugin() {
        return groupDetectionPlugin;
    }

    /** @param groupDetectionPlugin the name of the group detector (default claim). */
    public void setGroupDetectionPlugin(String groupDetectionPlugin) {
        this.groupDetectionPlugin = groupDetectionPlugin;
    }
    /** @return a folder whose jar files are searched for plugins. */
    public String getPluginDir() {
        return pluginDir;
    }

    /** @param pluginDir a folder whose jar files are searched for plugins. */
    public void setPluginDir(String pluginDir) {
        this.pluginDir = pluginDir;
    }
    /** @return groups whose members may use the application (default mlflow). */
    public List<String> getGroupName() {
        return groupName;
    }

    /** @param groupName groups whose members may use the application (default mlflow). */
    public void setGroupName(List<String> groupName) {
        this.groupName = groupName;
    }
    /** @return groups whose members administer the application (default mlflow-admin). */
    public List<String> getAdminGroupName() {
        return adminGroupName;
    }

    /** @param adminGroupName groups whose members administer the application (default mlflow-admin). */
    public void setAdminGroupName(List<String> adminGroupName) {
        this.adminGroupName = adminGroupName;
    }
    /** @return where identity claims come from: id_token (default) or userinfo. */
    public String getIdentitySource() {
        return identitySource;
    }

    /** @param identitySource where identity claims come from: id_token (default) or userinfo. */
    public void setIdentitySource(String identitySource) {
        this.identitySource = identitySource;
    }
    /** @return claims tried in order for the user name (default preferred_username, email, sub). */
    public List<String> getUsernameClaim() {
        return usernameClaim;
    }

    /** @param usernameClaim claims tried in order for the user name (default preferred_username, email, sub). */
    public void setUsernameClaim(List<String> usernameClaim) {
        this.usernameClaim = usernameClaim;
    }
    /** @return which identity validator decides whether an identity may use the application: none (default), claim-equals, expression. */
    public String getIdentityValidator() {
        return identityValidator;
    }

    /** @param identityValidator which identity validator decides whether an identity may use the application: none (default), claim-equals, expression. */
    public void setIdentityValidator(String identityValidator) {
        this.identityValidator = identityValidator;
    }
    /** @return where the identity provider sends the browser after logout. */
    public String getPostLogoutRedirectUri() {
        return postLogoutRedirectUri;
    }

    /** @param postLogoutRedirectUri where the identity provider sends the browser after logout. */
    public void setPostLogoutRedirectUri(String postLogoutRedirectUri) {
        this.postLogoutRedirectUri = postLogoutRedirectUri;
    }
    /** @return how long a session lasts (default 8h). */
    public Duration getSessionMaxAge() {
        return sessionMaxAge;
    }

    /** @param sessionMaxAge how long a session lasts (default 8h). */
    public void setSessionMaxAge(Duration sessionMaxAge) {
        this.sessionMaxAge = sessionMaxAge;
    }
    /** @return how long a session may go unused before it ends (default 1h). */
    public Duration getSessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** @param sessionIdleTimeout how long a session may go unused before it ends (default 1h). */
    public void setSessionIdleTimeout(Duration sessionIdleTimeout) {
        this.sessionIdleTimeout = sessionIdleTimeout;
    }

    /** @return a Domain for the framework's cookies (default none: host-only __Host- cookies). */
    public String getCookieDomain() {
        return cookieDomain;
    }

    /** @param cookieDomain a Domain for the framework's cookies (default none: host-only __Host- cookies). */
    public void setCookieDomain(String cookieDomain) {
        this.cookieDomain = cookieDomain;
    }

    /** @return whether sessions refresh the identity provider's tokens before they expire (default false). */
    public Boolean getRefreshTokens() {
        return refreshTokens;
    }

    /** @param refreshTokens whether sessions refresh the identity provider's tokens before they expire (default false). */
    public void setRefreshTokens(Boolean refreshTokens) {
        this.refreshTokens = refreshTokens;
    }

    /** @return how long before the identity provider's tokens expire an active session refreshes them (default 60s). */
    public Duration getRefreshBefore() {
        return refreshBefore;
    }

    /** @param refreshBefore how long before the identity provider's tokens expire an active session refreshes them (default 60s). */
    public void setRefreshBefore(Duration refreshBefore) {
        this.refreshBefore = refreshBefore;
    }

    /** @return how old the groups behind a personal access token or a bearer token may be (default 24h). */
    public Duration getGroupsMaxStaleness() {
        return groupsMaxStaleness;
    }

    /** @param groupsMaxStaleness how old the groups behind a personal access token or a bearer token may be (default 24h). */
    public void setGroupsMaxStaleness(Duration groupsMaxStaleness) {
        this.groupsMaxStaleness = groupsMaxStaleness;
    }

    /** @return the clock skew tolerated on token times (default 60s, at most 5m). */
    public Duration getClockSkew() {
        return clockSkew;
    }

    /** @param clockSkew the clock skew tolerated on token times (default 60s, at most 5m). */
    public void setClockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew;
    }
    /** @return timeout of each call to the identity provider (default 5s). */
    public Duration getHttpTimeout() {
        return httpTimeout;
    }

    /** @param httpTimeout timeout of each call to the identity provider (default 5s). */
    public void setHttpTimeout(Duration httpTimeout) {
        this.httpTimeout = httpTimeout;
    }
    /** @return the accepted audiences of bearer tokens (default the client id). */
    public List<String> getAudience() {
        return audience;
    }

    /** @param audience the accepted audiences of bearer tokens (default the client id). */
    public void setAudience(List<String> audience) {
        this.audience = audience;
    }
    /** @return paths served without login: exact paths, or prefixes ending with /. */
    public List<String> getPublicPaths() {
        return publicPaths;
    }

    /** @param publicPaths paths served without login: exact paths, or prefixes ending with /. */
    public void setPublicPaths(List<String> publicPaths) {
        this.publicPaths = publicPaths;
    }
    /** @return how users authenticate: oidc (default), trusted-header, or both. */
    public List<String> getAuthMode() {
        return authMode;
    }

    /** @param authMode how users authenticate: oidc (default), trusted-header, or both. */
    public void setAuthMode(List<String> authMode) {
        this.authMode = authMode;
    }
    /** @return addresses and CIDR ranges of reverse proxies whose forwarding and identity headers are believed. */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    /** @param trustedProxies addresses and CIDR ranges of reverse proxies whose forwarding and identity headers are believed. */
    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }
    /** @return which forwarding headers a trusted proxy sets: forwarded, x-forwarded, or both (default). */
    public List<String> getForwardedHeaders() {
        return forwardedHeaders;
    }

    /** @param forwardedHeaders which forwarding headers a trusted proxy sets: forwarded, x-forwarded, or both (default). */
    public void setForwardedHeaders(List<String> forwardedHeaders) {
        this.forwardedHeaders = forwardedHeaders;
    }
    /** @return whether oidc-sso checks CSRF on the application's own state-changing paths (default true; then Spring Security's CSRF filter is switched off, see the README). */
    public Boolean getCsrfAppPaths() {
        return csrfAppPaths;
    }

    /** @param csrfAppPaths whether oidc-sso checks CSRF on the application's own state-changing paths (default true; then Spring Security's CSRF filter is switched off, see the README). */
    public void setCsrfAppPaths(Boolean csrfAppPaths) {
        this.csrfAppPaths = csrfAppPaths;
    }
    /** @return the user database (PostgreSQL URI or JDBC URL). Setting it or data-dir enables the store: access tokens, permissions, the REST API and the UI. */
    public String getUsersDbUri() {
        return usersDbUri;
    }

    /** @param usersDbUri the user database (PostgreSQL URI or JDBC URL). Setting it or data-dir enables the store: access tokens, permissions, the REST API and the UI. */
    public void setUsersDbUri(String usersDbUri) {
        this.usersDbUri = usersDbUri;
    }
    /** @return folder of the embedded H2 user database. Setting it or users-db-uri enables the store. */
    public String getDataDir() {
        return dataDir;
    }

    /** @param dataDir folder of the embedded H2 user database. Setting it or users-db-uri enables the store. */
    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }
    /** @return the permission level when no grant or rule answers: NO_PERMISSIONS, READ, USE, EDIT, MANAGE. */
    public String getDefaultPermission() {
        return defaultPermission;
    }

    /** @param defaultPermission the permission level when no grant or rule answers: NO_PERMISSIONS, READ, USE, EDIT, MANAGE. */
    public void setDefaultPermission(String defaultPermission) {
        this.defaultPermission = defaultPermission;
    }
    /** @return the order in which permission sources are asked: user, group, regex, group-regex. */
    public List<String> getPermissionSourceOrder() {
        return permissionSourceOrder;
    }

    /** @param permissionSourceOrder the order in which permission sources are asked: user, group, regex, group-regex. */
    public void setPermissionSourceOrder(List<String> permissionSourceOrder) {
        this.permissionSourceOrder = permissionSourceOrder;
    }
    /** @return the application's resource types for permissions */
    public List<String> getResourceTypes() {
        return resourceTypes;
    }

    /** @param resourceTypes the application's resource types for permissions */
    public void setResourceTypes(List<String> resourceTypes) {
        this.resourceTypes = resourceTypes;
    }

    /** @return the identity providers by name ({@code OIDC_PROVIDERS}), each with its own settings */
    public Map<String, OidcSsoIdpProperties> getProviders() {
        return providers;
    }

    /** @param providers the identity providers by name ({@code OIDC_PROVIDERS}), each with its own settings */
    public void setProviders(Map<String, OidcSsoIdpProperties> providers) {
        this.providers = providers;
    }

    /** @return any other setting, by its name without the OIDC_ prefix */
    public Map<String, String> getSettings() {
        return settings;
    }

    /** @param settings any other setting, by its name without the OIDC_ prefix */
    public void setSettings(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * The properties that are set, under their setting names ({@code OIDC_CLIENT_ID}, ...).
     *
     * @return setting names to values
     */
    public Map<String, String> toSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        this.settings.forEach((name, value) -> {
            String canonical = canonical(name);
            boolean ours = canonical.startsWith("OIDC_") || canonical.equals("SECRET_KEY")
                    || canonical.equals("DEFAULT_PERMISSION") || canonical.equals("PERMISSION_SOURCE_ORDER");
            put(settings, ours ? canonical : "OIDC_" + canonical, value);
        });
        if (!providers.isEmpty()) {
            put(settings, "OIDC_PROVIDERS", String.join(",", providers.keySet()));
            providers.forEach((name, idp) -> settings.putAll(idp.toSettings(name)));
        }
        put(settings, "OIDC_PROVIDER", provider);
        put(settings, "OIDC_DISCOVERY_URL", discoveryUrl);
        put(settings, "OIDC_CLIENT_ID", clientId);
        put(settings, "OIDC_CLIENT_SECRET", clientSecret);
        put(settings, "OIDC_CLIENT_AUTH_METHOD", clientAuthMethod);
        put(settings, "OIDC_REDIRECT_URI", redirectUri);
        put(settings, "OIDC_SCOPE", scope);
        put(settings, "SECRET_KEY", secretKey);
        put(settings, "OIDC_GROUPS_ATTRIBUTE", groupsAttribute);
        put(settings, "OIDC_GROUP_DETECTION_PLUGIN", groupDetectionPlugin);
        put(settings, "OIDC_PLUGIN_DIR", pluginDir);
        put(settings, "OIDC_GROUP_NAME", list(groupName));
        put(settings, "OIDC_ADMIN_GROUP_NAME", list(adminGroupName));
        put(settings, "OIDC_IDENTITY_SOURCE", identitySource);
        put(settings, "OIDC_USERNAME_CLAIM", list(usernameClaim));
        put(settings, "OIDC_IDENTITY_VALIDATOR", identityValidator);
        put(settings, "OIDC_POST_LOGOUT_REDIRECT_URI", postLogoutRedirectUri);
        put(settings, "OIDC_SESSION_MAX_AGE", millis(sessionMaxAge));
        put(settings, "OIDC_SESSION_IDLE_TIMEOUT", millis(sessionIdleTimeout));
        put(settings, "OIDC_COOKIE_DOMAIN", cookieDomain);
        put(settings, "OIDC_REFRESH_TOKENS", text(refreshTokens));
        put(settings, "OIDC_REFRESH_BEFORE", millis(refreshBefore));
        put(settings, "OIDC_GROUPS_MAX_STALENESS", millis(groupsMaxStaleness));
        put(settings, "OIDC_CLOCK_SKEW", millis(clockSkew));
        put(settings, "OIDC_HTTP_TIMEOUT", millis(httpTimeout));
        put(settings, "OIDC_AUDIENCE", list(audience));
        put(settings, "OIDC_PUBLIC_PATHS", list(publicPaths));
        put(settings, "OIDC_AUTH_MODE", list(authMode));
        put(settings, "OIDC_TRUSTED_PROXIES", list(trustedProxies));
        put(settings, "OIDC_FORWARDED_HEADERS", list(forwardedHeaders));
        put(settings, "OIDC_CSRF_APP_PATHS", text(csrfAppPaths));
        put(settings, "OIDC_USERS_DB_URI", usersDbUri);
        put(settings, "OIDC_DATA_DIR", dataDir);
        put(settings, "DEFAULT_PERMISSION", defaultPermission);
        put(settings, "PERMISSION_SOURCE_ORDER", list(permissionSourceOrder));
        return settings;
    }

    /** A property key of a {@code settings} map as a setting name: {@code identity-validator.claim} → {@code IDENTITY_VALIDATOR_CLAIM}. */
    static String canonical(String key) {
        return key.trim().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static void put(Map<String, String> settings, String name, String value) {
        if (value != null) {
            settings.put(name, value);
        }
    }

    static String list(List<String> values) {
        return values == null ? null : String.join(",", values);
    }

    private static String millis(Duration duration) {
        return duration == null ? null : duration.toMillis() + "ms";
    }

    private static String text(Boolean value) {
        return value == null ? null : value.toString();
    }
}
