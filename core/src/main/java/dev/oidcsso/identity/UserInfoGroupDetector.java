package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Groups from the UserInfo response at the path {@code OIDC_GROUPS_ATTRIBUTE}, for IdPs that leave
 * groups out of the ID token. At a login it has UserInfo fetched on demand (once), so only logins
 * that use this detector or the {@code userinfo} identity source call the UserInfo endpoint.
 */
@AutoService(GroupDetector.class)
public final class UserInfoGroupDetector implements GroupDetector {

    private final String path;

    /** The prototype the service loader creates. */
    public UserInfoGroupDetector() {
        this("groups");
    }

    private UserInfoGroupDetector(String path) {
        this.path = path;
    }

    @Override
    public String name() {
        return "userinfo";
    }

    @Override
    public GroupDetector configure(Map<String, String> settings) {
        return new UserInfoGroupDetector(settings.getOrDefault(SettingNames.GROUPS_ATTRIBUTE, "groups"));
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        // The framework's own contexts fetch UserInfo on demand: only logins that use this detector pay for the call.
        Optional<Map<String, Object>> available = context instanceof IdentityResolver.Context login
                ? login.fetchUserInfo() : context.userInfoClaims();
        Map<String, Object> userInfo = available.orElseThrow(() ->
                new GroupDetectionException("the userinfo group detector needs the UserInfo response, which is not available here"));
        return ClaimPath.readStrings(userInfo, path);
    }
}
