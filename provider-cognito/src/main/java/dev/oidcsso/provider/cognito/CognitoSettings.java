package dev.oidcsso.provider.cognito;

/**
 * The names of the settings the Cognito profile reads, besides the generic ones.
 */
public final class CognitoSettings {

    /** The AWS region of the user pool, for example {@code eu-west-1}. */
    public static final String REGION = "OIDC_COGNITO_REGION";
    /** The user pool id, for example {@code eu-west-1_AbCdEf123}. */
    public static final String USER_POOL_ID = "OIDC_COGNITO_USER_POOL_ID";
    /**
     * The user pool's hosted UI (managed login) domain, for example
     * {@code myapp.auth.eu-west-1.amazoncognito.com} or a custom domain; used for logout.
     */
    public static final String DOMAIN = "OIDC_COGNITO_DOMAIN";

    private CognitoSettings() {
    }
}
