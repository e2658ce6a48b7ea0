/**
 * The plugin contract for finding a user's groups. A plugin jar implements
 * {@link dev.oidcsso.groups.GroupDetector} and registers it in
 * {@code META-INF/services/dev.oidcsso.groups.GroupDetector}.
 */
module dev.oidcsso.groups {
    exports dev.oidcsso.groups;
}
