package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups from the UserInfo response at the path {@code OIDC_GROUPS_ATTRIBUTE}, for IdPs that leave
 * groups out of the ID token.
 */
public final class UserInfoGroupDetector implements GroupDetector {

    /** The name that selects it. */
    public static final String NAME = "userinfo";

    private final String path;

    private UserInfoGroupDetector(String path) {
        this.path = path;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        Map<String, Object> userInfo = context.userInfoClaims().orElseThrow(() ->
                new GroupDetectionException("the userinfo group detector needs the UserInfo response, which is not available here"));
        return ClaimPath.readStrings(userInfo, path);
    }

    /** Creates the detector from {@code OIDC_GROUPS_ATTRIBUTE}. */
    @AutoService(GroupDetectorFactory.class)
    public static final class Factory implements GroupDetectorFactory {

        /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
        public Factory() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Set<String> settingNames() {
            return Set.of(SettingNames.GROUPS_ATTRIBUTE);
        }

        @Override
        public GroupDetector create(PluginSettings settings) {
            return new UserInfoGroupDetector(settings.get(SettingNames.GROUPS_ATTRIBUTE, "groups"));
        }
    }
}
