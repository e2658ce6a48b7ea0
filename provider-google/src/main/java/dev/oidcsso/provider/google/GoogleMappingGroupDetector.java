package dev.oidcsso.provider.google;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Groups for Google accounts without writing code ({@code OIDC_GROUP_DETECTION_PLUGIN=google-mapping},
 * the Google profile's default): Google's tokens carry no groups, so {@code OIDC_GOOGLE_GROUP_MAPPING}
 * maps account IDs, verified e-mail addresses and e-mail domains to groups (see {@link GroupMapping}
 * for the syntax). This replaces the MLflow seed's Python plugin, which did the same from the
 * UserInfo response.
 */
public final class GoogleMappingGroupDetector implements GroupDetector {

    /** The detector's name. */
    public static final String NAME = "google-mapping";

    private final GroupMapping mapping;
    private final JsonHttp http;
    private final URI userInfoUrl;

    /** What the Google detectors read: their own settings and the IdP call timeout. */
    static final Set<String> SETTINGS = Set.of("OIDC_GOOGLE_*", SettingNames.HTTP_TIMEOUT);

    /**
     * Creates a configured detector.
     *
     * @param mapping     the mapping
     * @param http        the HTTP client for UserInfo
     * @param userInfoUrl Google's UserInfo endpoint
     */
    public GoogleMappingGroupDetector(GroupMapping mapping, JsonHttp http, URI userInfoUrl) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.http = Objects.requireNonNull(http, "http");
        this.userInfoUrl = Objects.requireNonNull(userInfoUrl, "userInfoUrl");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        GoogleUser user = GoogleUser.of(context, http, userInfoUrl);
        return mapping.groupsOf(user.subject(), user.verifiedEmail());
    }

    static Duration timeout(PluginSettings settings) {
        return settings.get(SettingNames.HTTP_TIMEOUT).flatMap(OidcSettings::parseDuration).orElse(Duration.ofSeconds(5));
    }

    /**
     * Reads the mapping and the UserInfo URL.
     *
     * @param settings the detector's settings
     * @param problems where problems are reported, each naming its setting
     * @return the detector, when the settings are usable
     */
    static Optional<GoogleMappingGroupDetector> parse(PluginSettings settings, List<String> problems) {
        Optional<String> text = settings.get(GoogleSettings.GROUP_MAPPING);
        if (text.isEmpty()) {
            problems.add(GoogleProfile.missingMapping());
            return Optional.empty();
        }
        int before = problems.size();
        GroupMapping parsed = GroupMapping.parse(text.get(), problems);
        URI userInfo = GoogleProfile.url(settings, GoogleSettings.USERINFO_URL, GoogleSettings.DEFAULT_USERINFO_URL, problems);
        return problems.size() > before ? Optional.empty()
                : Optional.of(new GoogleMappingGroupDetector(parsed, JsonHttp.create(timeout(settings)), userInfo));
    }

    /** Creates the detector from {@code OIDC_GOOGLE_GROUP_MAPPING} (and {@code OIDC_GOOGLE_USERINFO_URL}). */
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
            return SETTINGS;
        }

        @Override
        public GroupDetector create(PluginSettings settings) {
            List<String> problems = new ArrayList<>();
            Optional<GoogleMappingGroupDetector> detector = parse(settings, problems);
            if (detector.isEmpty()) {
                throw new SettingsException(problems);
            }
            return detector.get();
        }
    }
}
