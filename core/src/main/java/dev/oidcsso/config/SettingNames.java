package dev.oidcsso.config;

import java.util.Locale;
import java.util.Set;

/**
 * The names of the settings, as they appear in the environment, a configuration file, a system
 * property or the builder. The seeds' names ({@code OIDC_CLIENT_ID}, {@code SECRET_KEY}, ...) are the
 * public interface; provider modules add their own {@code OIDC_<PROVIDER>_...} names.
 */
public final class SettingNames {

    /** Profile name: {@code generic}, {@code okta}, {@code auth0}, {@code google}, {@code cognito}, {@code entra}. */
    public static final String PROVIDER = "OIDC_PROVIDER";
    /** The IdP's discovery document URL ({@code .../.well-known/openid-configuration}). */
    public static final String DISCOVERY_URL = "OIDC_DISCOVERY_URL";
    /** The OAuth client id. */
    public static final String CLIENT_ID = "OIDC_CLIENT_ID";
    /** The OAuth client secret. */
    public static final String CLIENT_SECRET = "OIDC_CLIENT_SECRET";
    /** How the client authenticates at the token endpoint: {@code client_secret_basic}, {@code client_secret_post}, {@code none}. */
    public static final String CLIENT_AUTH_METHOD = "OIDC_CLIENT_AUTH_METHOD";
    /** The absolute callback URL registered at the IdP; worked out from the request when unset. */
    public static final String REDIRECT_URI = "OIDC_REDIRECT_URI";
    /** Requested scopes, separated by spaces or commas. */
    public static final String SCOPE = "OIDC_SCOPE";
    /** The key that seals sessions and login state; at least 32 characters. */
    public static final String SECRET_KEY = "SECRET_KEY";
    /** The claim path that holds the groups. */
    public static final String GROUPS_ATTRIBUTE = "OIDC_GROUPS_ATTRIBUTE";
    /** The name of the group detector to use. */
    public static final String GROUP_DETECTION_PLUGIN = "OIDC_GROUP_DETECTION_PLUGIN";
    /** A folder whose jar files are searched for plugins. */
    public static final String PLUGIN_DIR = "OIDC_PLUGIN_DIR";
    /** Groups whose members may use the application (comma list). */
    public static final String GROUP_NAME = "OIDC_GROUP_NAME";
    /** Groups whose members administer the application (comma list). */
    public static final String ADMIN_GROUP_NAME = "OIDC_ADMIN_GROUP_NAME";
    /** Where identity claims come from: {@code id_token} or {@code userinfo}. */
    public static final String IDENTITY_SOURCE = "OIDC_IDENTITY_SOURCE";
    /** Claims tried in order for the user name (comma list). */
    public static final String USERNAME_CLAIM = "OIDC_USERNAME_CLAIM";
    /** Which identity validator decides whether an identity may use the application at all. */
    public static final String IDENTITY_VALIDATOR = "OIDC_IDENTITY_VALIDATOR";
    /** The claim the {@code claim-equals} validator compares. */
    public static final String IDENTITY_VALIDATOR_CLAIM = "OIDC_IDENTITY_VALIDATOR_CLAIM";
    /** The value the {@code claim-equals} validator expects. */
    public static final String IDENTITY_VALIDATOR_VALUE = "OIDC_IDENTITY_VALIDATOR_VALUE";
    /** The JMESPath expression the {@code expression} validator evaluates over the claims. */
    public static final String IDENTITY_VALIDATOR_EXPRESSION = "OIDC_IDENTITY_VALIDATOR_EXPRESSION";
    /** Where the IdP sends the browser after logout. */
    public static final String POST_LOGOUT_REDIRECT_URI = "OIDC_POST_LOGOUT_REDIRECT_URI";
    /** How long a session lasts, for example {@code 8h}, {@code 30m} or seconds. */
    public static final String SESSION_MAX_AGE = "OIDC_SESSION_MAX_AGE";
    /** How long a session may go unused before it ends, for example {@code 1h}; activity extends only this one. */
    public static final String SESSION_IDLE_TIMEOUT = "OIDC_SESSION_IDLE_TIMEOUT";
    /** Whether sessions ask the IdP for a refresh token and refresh before the tokens expire ({@code true}/{@code false}). */
    public static final String REFRESH_TOKENS = "OIDC_REFRESH_TOKENS";
    /** How long before the tokens expire an active session refreshes them, for example {@code 60s}. */
    public static final String REFRESH_BEFORE = "OIDC_REFRESH_BEFORE";
    /** How old the groups behind a personal access token or a bearer token may be, for example {@code 24h}. */
    public static final String GROUPS_MAX_STALENESS = "OIDC_GROUPS_MAX_STALENESS";
    /** A {@code Domain} for the framework's cookies (then named {@code __Secure-} rather than {@code __Host-}). */
    public static final String COOKIE_DOMAIN = "OIDC_COOKIE_DOMAIN";
    /** The clock skew tolerated on token times, for example {@code 60s}. */
    public static final String CLOCK_SKEW = "OIDC_CLOCK_SKEW";
    /** Paths (prefixes ending with {@code /} or exact paths, comma list) served without login. */
    public static final String PUBLIC_PATHS = "OIDC_PUBLIC_PATHS";
    /** A properties file with more settings; lower precedence than the environment. */
    public static final String CONFIG_FILE = "OIDC_CONFIG_FILE";
    /** Timeout of each call to the IdP, for example {@code 5s}. */
    public static final String HTTP_TIMEOUT = "OIDC_HTTP_TIMEOUT";
    /** The expected audience of bearer tokens from API clients. */
    public static final String AUDIENCE = "OIDC_AUDIENCE";

    /** How users authenticate: {@code oidc} (the default), {@code trusted-header}, or both, comma-separated. */
    public static final String AUTH_MODE = "OIDC_AUTH_MODE";
    /** Addresses and CIDR ranges of reverse proxies whose forwarding and identity headers are believed. */
    public static final String TRUSTED_PROXIES = "OIDC_TRUSTED_PROXIES";
    /** Which forwarding headers a trusted proxy sets: {@code forwarded}, {@code x-forwarded}, or both (the default). */
    public static final String FORWARDED_HEADERS = "OIDC_FORWARDED_HEADERS";
    /** The header a trusted proxy puts the user name in. */
    public static final String TRUSTED_HEADER_USER = "OIDC_TRUSTED_HEADER_USER";
    /** The header a trusted proxy puts the e-mail address in. */
    public static final String TRUSTED_HEADER_EMAIL = "OIDC_TRUSTED_HEADER_EMAIL";
    /** The header a trusted proxy puts the comma-separated groups in. */
    public static final String TRUSTED_HEADER_GROUPS = "OIDC_TRUSTED_HEADER_GROUPS";

    /**
     * Whether state-changing requests to the application's own paths that a browser authenticates
     * by cookie need CSRF proof ({@code true}, the default) or only the framework's routes do
     * ({@code false}, for an application with its own CSRF protection).
     */
    public static final String CSRF_APP_PATHS = "OIDC_CSRF_APP_PATHS";

    /**
     * The identity providers for browser logins, when there are several: a comma list of names
     * (lower-case letters and digits), each configured with {@code OIDC_<NAME>_DISCOVERY_URL},
     * {@code OIDC_<NAME>_CLIENT_ID}, .... Unset: one IdP, configured with the names above.
     */
    public static final String PROVIDERS = "OIDC_PROVIDERS";
    /** The name the login chooser shows for an IdP (per IdP: {@code OIDC_<NAME>_DISPLAY_NAME}). */
    public static final String DISPLAY_NAME = "OIDC_DISPLAY_NAME";
    /** E-mail domains whose login hint picks an IdP (comma list; per IdP: {@code OIDC_<NAME>_EMAIL_DOMAINS}). */
    public static final String EMAIL_DOMAINS = "OIDC_EMAIL_DOMAINS";

    /**
     * The settings each IdP has its own of: with {@link #PROVIDERS}, {@code OIDC_CLIENT_ID} becomes
     * {@code OIDC_STAFF_CLIENT_ID} for the IdP {@code staff}. Provider profile and plugin settings
     * ({@code OIDC_OKTA_DOMAIN}, ...) are per IdP the same way ({@code OIDC_STAFF_OKTA_DOMAIN}).
     */
    static final Set<String> PER_IDP = Set.of(PROVIDER, DISCOVERY_URL, CLIENT_ID, CLIENT_SECRET, CLIENT_AUTH_METHOD, SCOPE,
            GROUPS_ATTRIBUTE, GROUP_DETECTION_PLUGIN, GROUP_NAME, ADMIN_GROUP_NAME, IDENTITY_SOURCE, USERNAME_CLAIM,
            IDENTITY_VALIDATOR, IDENTITY_VALIDATOR_CLAIM, IDENTITY_VALIDATOR_VALUE, IDENTITY_VALIDATOR_EXPRESSION,
            POST_LOGOUT_REDIRECT_URI, AUDIENCE, DISPLAY_NAME, EMAIL_DOMAINS);

    /**
     * The per-IdP settings that name one IdP and so are never shared: with {@link #PROVIDERS}, each
     * IdP sets its own, and the unprefixed name is refused. The other per-IdP settings, when given
     * unprefixed, are every IdP's default.
     */
    static final Set<String> OWN_PER_IDP = Set.of(PROVIDER, DISCOVERY_URL, CLIENT_ID, CLIENT_SECRET, AUDIENCE, DISPLAY_NAME,
            EMAIL_DOMAINS);

    /** Names outside the {@code OIDC_} prefix that are still ours. */
    static final Set<String> UNPREFIXED = Set.of(SECRET_KEY, "DEFAULT_PERMISSION", "PERMISSION_SOURCE_ORDER");

    private SettingNames() {
    }

    /**
     * The name of a setting for one IdP of {@link #PROVIDERS}: {@code forIdp("staff", "OIDC_CLIENT_ID")}
     * is {@code OIDC_STAFF_CLIENT_ID}.
     *
     * @param idp  the IdP's name
     * @param name an {@code OIDC_*} setting's name
     * @return the IdP's own name for it
     */
    public static String forIdp(String idp, String name) {
        return "OIDC_" + idp.toUpperCase(Locale.ROOT) + "_" + name.substring("OIDC_".length());
    }

    /**
     * Whether a setting of this name holds a secret whose value must never be shown.
     *
     * @param name the setting's name
     * @return true for secrets
     */
    public static boolean isSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.contains("SECRET") || upper.contains("PASSWORD") || upper.endsWith("_KEY")
                || upper.contains("TOKEN") || upper.contains("CREDENTIAL")
                // A database URI may carry a password (postgresql://user:password@host/db, ?password=...).
                || upper.endsWith("_DB_URI");
    }

    /**
     * Whether a name belongs to this framework (and so is read from the environment).
     *
     * @param name an environment variable or property name
     * @return true for {@code OIDC_*} names and the few unprefixed ones
     */
    public static boolean isOurs(String name) {
        return name.startsWith("OIDC_") || UNPREFIXED.contains(name);
    }

    /**
     * The canonical name for a system property name: {@code oidc.client.id} and
     * {@code OIDC_CLIENT_ID} both become {@code OIDC_CLIENT_ID}.
     *
     * @param name a property name
     * @return the canonical setting name
     */
    public static String canonical(String name) {
        return name.trim().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
