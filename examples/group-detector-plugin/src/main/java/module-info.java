/**
 * The example group detector plugin: it needs the plugin contract only, so its jar holds one class
 * and its service entry.
 */
module dev.oidcsso.example.plugin {
    requires dev.oidcsso.groups;
    requires static com.google.auto.service;

    provides dev.oidcsso.groups.GroupDetector with dev.oidcsso.example.plugin.EmailListGroupDetector;
}
