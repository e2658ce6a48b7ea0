package dev.oidcsso.provider.google;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.spi.support.JsonHttpException;
import dev.oidcsso.spi.support.JwtBearerGrant;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Google Workspace groups ({@code OIDC_GROUP_DETECTION_PLUGIN=google-directory}): the groups whose
 * member the user's verified e-mail address is, from the Admin SDK Directory API
 * ({@code GET /groups?userKey=...}, every page), reported by the group's e-mail address (unique and
 * not editable by group managers, unlike its name). The API is called with a service account's
 * token, obtained with the JWT-bearer grant acting for {@code OIDC_GOOGLE_DELEGATED_ADMIN} through
 * domain-wide delegation, and cached until shortly before it expires. When
 * {@code OIDC_GOOGLE_GROUP_MAPPING} is set too, its groups are added.
 */
public final class GoogleDirectoryGroupDetector implements GroupDetector {

    /** The detector's name. */
    public static final String NAME = "google-directory";

    private final JwtBearerGrant grant;
    private final JsonHttp http;
    private final URI directoryUrl;
    private final URI userInfoUrl;
    private final GoogleMappingGroupDetector mapping;

    /**
     * Creates a configured detector.
     *
     * @param grant        the service account's token source
     * @param http         the HTTP client
     * @param directoryUrl the Directory API base URL
     * @param userInfoUrl  Google's UserInfo endpoint, used when no e-mail is at hand
     * @param mapping      extra groups from a mapping, or {@code null}
     */
    public GoogleDirectoryGroupDetector(JwtBearerGrant grant, JsonHttp http, URI directoryUrl, URI userInfoUrl,
                                        GoogleMappingGroupDetector mapping) {
        this.grant = Objects.requireNonNull(grant, "grant");
        this.http = Objects.requireNonNull(http, "http");
        this.directoryUrl = Objects.requireNonNull(directoryUrl, "directoryUrl");
        this.userInfoUrl = Objects.requireNonNull(userInfoUrl, "userInfoUrl");
        this.mapping = mapping;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        GoogleUser user = GoogleUser.of(context, http, userInfoUrl);
        String email = user.verifiedEmail().orElseThrow(() -> new GroupDetectionException(
                "the Google account has no verified e-mail address, so its Workspace groups cannot be looked up; "
                        + "request the 'email' scope in OIDC_SCOPE"));
        Set<String> groups = new LinkedHashSet<>(directoryGroups(email));
        if (mapping != null) {
            groups.addAll(mapping.detectGroups(context));
        }
        return List.copyOf(groups);
    }

    private List<String> directoryGroups(String email) {
        Set<String> groups = new LinkedHashSet<>();
        String pageToken = null;
        int pages = 0;
        do {
            String url = directoryUrl + "/groups?userKey=" + JsonHttp.encode(email) + "&maxResults=200"
                    + (pageToken == null ? "" : "&pageToken=" + JsonHttp.encode(pageToken));
            Map<String, Object> page = fetch(URI.create(url));
            if (page.get("groups") instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> group && group.get("email") instanceof String groupEmail) {
                        groups.add(groupEmail.toLowerCase(Locale.ROOT));
                    }
                }
            }
            String next = page.get("nextPageToken") instanceof String text && !text.isEmpty() ? text : null;
            if (next != null && next.equals(pageToken) || ++pages > 500) {
                throw new GroupDetectionException("the Google Directory API kept paging the user's groups");
            }
            pageToken = next;
        } while (pageToken != null);
        return List.copyOf(groups);
    }

    private Map<String, Object> fetch(URI url) {
        try {
            try {
                return http.getWithBearer(url, grant.accessToken());
            } catch (JsonHttpException e) {
                if (e.remoteStatus() != 401) {
                    throw e;
                }
                // The cached token was revoked or expired early: get a new one and try once more.
                grant.invalidate();
                return http.getWithBearer(url, grant.accessToken());
            }
        } catch (JsonHttpException e) {
            String hint = e.remoteStatus() == 401 || e.remoteStatus() == 403
                    ? "; check the service account's domain-wide delegation of scope " + GoogleSettings.DIRECTORY_SCOPE
                    + " and that " + GoogleSettings.DELEGATED_ADMIN + " is a Workspace administrator" : "";
            throw new GroupDetectionException("the Google Directory API could not list the user's groups: "
                    + e.getMessage() + hint, e);
        }
    }

    /** Creates the detector from the service account settings (and, optionally, a mapping). */
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
            return GoogleMappingGroupDetector.SETTINGS;
        }

        @Override
        public GroupDetector create(PluginSettings settings) {
            List<String> problems = new ArrayList<>();
            Optional<ServiceAccountKey> key = GoogleProfile.serviceAccount(settings, problems);
            URI directory = GoogleProfile.url(settings, GoogleSettings.DIRECTORY_URL, GoogleSettings.DEFAULT_DIRECTORY_URL, problems);
            URI userInfo = GoogleProfile.url(settings, GoogleSettings.USERINFO_URL, GoogleSettings.DEFAULT_USERINFO_URL, problems);
            Optional<URI> tokenUrl = settings.get(GoogleSettings.TOKEN_URL)
                    .map(text -> GoogleProfile.url(settings, GoogleSettings.TOKEN_URL, text, problems));
            GoogleMappingGroupDetector extra = settings.get(GoogleSettings.GROUP_MAPPING).isEmpty() ? null
                    : GoogleMappingGroupDetector.parse(settings, problems).orElse(null);
            if (!problems.isEmpty() || key.isEmpty()) {
                throw new SettingsException(problems);
            }
            JsonHttp client = JsonHttp.create(GoogleMappingGroupDetector.timeout(settings));
            JwtBearerGrant bearer = JwtBearerGrant.builder()
                    .tokenEndpoint(tokenUrl.orElse(key.get().tokenUri()))
                    .issuer(key.get().clientEmail())
                    .subject(settings.get(GoogleSettings.DELEGATED_ADMIN, "").trim())
                    .scopes(List.of(GoogleSettings.DIRECTORY_SCOPE))
                    .signingKey(key.get().privateKey(), key.get().privateKeyId())
                    .http(client)
                    .build();
            return new GoogleDirectoryGroupDetector(bearer, client, directory, userInfo, extra);
        }
    }
}
