/** Google: its profile, and its group detectors (a mapping, or Google Workspace's directory). */
module dev.oidcsso.provider.google {
    requires dev.oidcsso.core;
    requires com.fasterxml.jackson.databind;
    requires static com.google.auto.service;

    provides dev.oidcsso.spi.ProviderProfileFactory with dev.oidcsso.provider.google.GoogleProfile;
    provides dev.oidcsso.spi.GroupDetectorFactory with
            dev.oidcsso.provider.google.GoogleDirectoryGroupDetector.Factory,
            dev.oidcsso.provider.google.GoogleMappingGroupDetector.Factory;
}
