/** Okta and Auth0: their discovery URLs, groups claims and logout. */
module dev.oidcsso.provider.okta {
    requires dev.oidcsso.core;
    requires static com.google.auto.service;

    provides dev.oidcsso.spi.ProviderProfileFactory with
            dev.oidcsso.provider.okta.Auth0Profile, dev.oidcsso.provider.okta.OktaProfile;
}
