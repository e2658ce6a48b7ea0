package dev.oidcsso.provider.okta;

/**
 * The names of the settings the Okta and Auth0 profiles read, besides the generic ones.
 */
public final class OktaSettings {

    /** The Okta org domain, for example {@code dev-123456.okta.com} (or an {@code https} URL). */
    public static final String OKTA_DOMAIN = "OIDC_OKTA_DOMAIN";
    /**
     * The id of an Okta custom authorization server, for example {@code default}; unset for the org
     * authorization server.
     */
    public static final String OKTA_AUTHORIZATION_SERVER_ID = "OIDC_OKTA_AUTHORIZATION_SERVER_ID";
    /** The Auth0 tenant domain, for example {@code my-tenant.us.auth0.com}, or a custom domain. */
    public static final String AUTH0_DOMAIN = "OIDC_AUTH0_DOMAIN";

    private OktaSettings() {
    }
}
