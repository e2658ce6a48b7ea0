/** AWS Cognito: the discovery URL from region and user pool, its groups claim and its logout. */
module dev.oidcsso.provider.cognito {
    requires dev.oidcsso.core;
    requires static com.google.auto.service;

    provides dev.oidcsso.spi.ProviderProfileFactory with dev.oidcsso.provider.cognito.CognitoProfile;
}
