package dev.oidcsso.provider.google;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.oidc.JsonHttp;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Groups for Google accounts without writing code ({@code OIDC_GROUP_DETECTION_PLUGIN=google-mapping},
 * the Google profile's default): Google's tokens carry no groups, so {@code OIDC_GOOGLE_GROUP_MAPPING}
 * maps account IDs, verified e-mail addresses and e-mail domains to groups (see {@link GroupMapping}
 * for the syntax). This replaces the MLflow seed's Python plugin, which did the same from the
 * UserInfo response.
 */
@AutoService(GroupDetector.class)
public final class GoogleMappingGroupDetector implements GroupDetector {

    /** The detector's name. */
    public static final String NAME = "google-mapping";

    private final GroupMapping mapping;
    private final JsonHttp http;
    private final URI userInfoUrl;

    /** The unconfigured prototype the service loader creates; {@link #configure} returns a usable one. */
    public GoogleMappingGroupDetector() {
        this(null, null, URI.create(GoogleSettings.DEFAULT_USERINFO_URL));
    }

    /**
     * Creates a configured detector.
     *
     * @param mapping     the mapping
     * @param http        the HTTP client for UserInfo
     * @param userInfoUrl Google's UserInfo endpoint
     */
    public GoogleMappingGroupDetector(GroupMapping mapping, JsonHttp http, URI userInfoUrl) {
        this.mapping = mapping;
        this.http = http;
        this.userInfoUrl = userInfoUrl;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GroupDetector configure(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        String text = settings.get(GoogleSettings.GROUP_MAPPING);
        if (text == null || text.isBlank()) {
            throw new GroupDetectionException(GoogleProfile.missingMapping());
        }
        GroupMapping parsed = GroupMapping.parse(text, problems);
        URI userInfo = GoogleProfile.url(settings, GoogleSettings.USERINFO_URL, GoogleSettings.DEFAULT_USERINFO_URL, problems);
        if (!problems.isEmpty()) {
            throw new GroupDetectionException(String.join("; ", problems));
        }
        return new GoogleMappingGroupDetector(parsed, JsonHttp.create(timeout(settings)), userInfo);
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        if (mapping == null) {
            throw new GroupDetectionException("the google-mapping group detector was used without configure(settings)");
        }
        GoogleUser user = GoogleUser.of(context, http, userInfoUrl);
        return mapping.groupsOf(user.subject(), user.verifiedEmail());
    }

    static Duration timeout(Map<String, String> settings) {
        String text = settings.get(SettingNames.HTTP_TIMEOUT);
        return text == null ? Duration.ofSeconds(5) : OidcSettings.parseDuration(text).orElse(Duration.ofSeconds(5));
    }
}
