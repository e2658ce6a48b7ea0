package dev.oidcsso.spi;

import dev.oidcsso.groups.GroupDetector;

/**
 * Creates a {@link GroupDetector}; selected by {@code OIDC_GROUP_DETECTION_PLUGIN}. Register
 * implementations with {@code @AutoService(GroupDetectorFactory.class)}. A plugin jar that registers
 * a {@link GroupDetector} itself, as the {@code oidc-sso-group-detection-api} documents, keeps
 * working: the framework wraps it in a factory whose {@code create} calls
 * {@link GroupDetector#configure(java.util.Map)}.
 */
public interface GroupDetectorFactory extends PluginFactory<GroupDetector> {
}
