/** Microsoft Entra ID: tenants and multi-tenant issuers, app roles, and groups from Microsoft Graph. */
module dev.oidcsso.provider.entra {
    requires dev.oidcsso.core;
    requires org.slf4j;
    requires static com.google.auto.service;

    provides dev.oidcsso.spi.ProviderProfileFactory with dev.oidcsso.provider.entra.EntraProfile;
    provides dev.oidcsso.spi.GroupDetectorFactory with dev.oidcsso.provider.entra.EntraGroupDetector.Factory;
}
