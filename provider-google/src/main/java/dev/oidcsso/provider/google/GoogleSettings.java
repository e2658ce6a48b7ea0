package dev.oidcsso.provider.google;

/**
 * The names of the settings the Google profile and its group detectors read, besides the generic
 * ones, and Google's fixed endpoints.
 */
public final class GoogleSettings {

    /**
     * The Google Workspace domain(s) (comma list) whose accounts may sign in; sent as {@code hd} and
     * enforced on the ID token's {@code hd} claim.
     */
    public static final String HOSTED_DOMAIN = "OIDC_GOOGLE_HOSTED_DOMAIN";
    /** The {@code google-mapping} detector's mapping of users, e-mails and e-mail domains to groups. */
    public static final String GROUP_MAPPING = "OIDC_GOOGLE_GROUP_MAPPING";
    /** The service account's JSON key file, for the {@code google-directory} detector. */
    public static final String SERVICE_ACCOUNT_FILE = "OIDC_GOOGLE_SERVICE_ACCOUNT_FILE";
    /** The Workspace administrator the service account acts for (domain-wide delegation). */
    public static final String DELEGATED_ADMIN = "OIDC_GOOGLE_DELEGATED_ADMIN";
    /** The Admin SDK Directory API base URL. */
    public static final String DIRECTORY_URL = "OIDC_GOOGLE_DIRECTORY_URL";
    /** The token endpoint of the service account's grant; the key file's {@code token_uri} by default. */
    public static final String TOKEN_URL = "OIDC_GOOGLE_TOKEN_URL";
    /** The UserInfo endpoint the {@code google-mapping} detector calls when no e-mail is at hand. */
    public static final String USERINFO_URL = "OIDC_GOOGLE_USERINFO_URL";

    /** Google's discovery document. */
    public static final String DISCOVERY_URL = "https://accounts.google.com/.well-known/openid-configuration";
    /** The default Directory API base URL. */
    public static final String DEFAULT_DIRECTORY_URL = "https://admin.googleapis.com/admin/directory/v1";
    /** The default token endpoint of service accounts. */
    public static final String DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";
    /** Google's UserInfo endpoint, as its discovery document advertises it. */
    public static final String DEFAULT_USERINFO_URL = "https://openidconnect.googleapis.com/v1/userinfo";
    /** The read-only scope for group memberships. */
    public static final String DIRECTORY_SCOPE = "https://www.googleapis.com/auth/admin.directory.group.readonly";

    private GoogleSettings() {
    }
}
