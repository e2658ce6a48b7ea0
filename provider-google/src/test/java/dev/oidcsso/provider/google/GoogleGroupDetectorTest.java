package dev.oidcsso.provider.google;

import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.testing.stub.StubContext;
import dev.oidcsso.testing.stub.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoogleGroupDetectorTest {

    static final String MAPPING = "mlflow-admin=boss@example.com;mlflow=@example.com";

    final StubHttpServer server = StubHttpServer.start();
    final GoogleApisStub google = new GoogleApisStub(server);

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    static Map<String, Object> googleToken(String email, boolean verified) {
        // Google ID tokens carry no groups: sub, email, email_verified, hd, name, picture...
        return Map.of("iss", "https://accounts.google.com", "sub", "110169484474386276334", "email", email,
                "email_verified", verified, "hd", "example.com", "name", "Jane");
    }

    @Test
    void mappingUsesTheVerifiedEmailOfTheIdToken() {
        GroupDetector detector = create(new GoogleMappingGroupDetector.Factory(), Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING));
        assertEquals(List.of("mlflow-admin", "mlflow"), detector.detectGroups(StubContext.ofToken(googleToken("boss@example.com", true), "at")));
        assertEquals(List.of(), detector.detectGroups(StubContext.ofToken(googleToken("boss@example.com", false), "at")));
    }

    @Test
    void mappingPrefersTheUserInfoResponse() {
        GroupDetector detector = create(new GoogleMappingGroupDetector.Factory(), Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING));
        Map<String, Object> token = Map.of("sub", "1");
        Map<String, Object> userInfo = Map.of("sub", "1", "email", "jane@example.com", "email_verified", "true");
        assertEquals(List.of("mlflow"), detector.detectGroups(new StubContext("1", token, token, Optional.of(userInfo), Optional.empty())));
    }

    @Test
    void mappingCallsUserInfoWhenNoEmailIsAtHand() {
        server.route("GET", "/v1/userinfo", r -> r.bearer().filter("user-access-token"::equals).isPresent()
                ? StubHttpServer.Response.json(Map.of("sub", "1", "email", "boss@example.com", "email_verified", true))
                : StubHttpServer.Response.json(401, Map.of("error", "invalid_token")));
        GroupDetector detector = create(new GoogleMappingGroupDetector.Factory(), Map.of("OIDC_GOOGLE_GROUP_MAPPING", MAPPING,
                "OIDC_GOOGLE_USERINFO_URL", server.url("/v1/userinfo").toString()));
        assertEquals(List.of("mlflow-admin", "mlflow"),
                detector.detectGroups(StubContext.ofToken(Map.of("sub", "1"), "user-access-token")));
        assertEquals(1, server.requests("/v1/userinfo").size());
    }

    @Test
    void directoryPagesThroughTheUsersGroupsWithACachedServiceAccountToken() {
        google.memberships.put("jane@example.com", List.of("mlflow@example.com", "Data-Science@example.com",
                "all@example.com", "mlflow-admin@example.com", "ops@example.com"));
        GroupDetector detector = create(new GoogleDirectoryGroupDetector.Factory(), google.directorySettings(dir));

        List<String> groups = detector.detectGroups(StubContext.ofToken(googleToken("jane@example.com", true), "at"));

        assertEquals(List.of("mlflow@example.com", "data-science@example.com", "all@example.com",
                "mlflow-admin@example.com", "ops@example.com"), groups);
        assertEquals(3, server.requests(GoogleApisStub.GROUPS_PATH).size());
        assertEquals("jane@example.com", server.requests(GoogleApisStub.GROUPS_PATH).get(0).query().get("userKey"));
        detector.detectGroups(StubContext.ofToken(googleToken("jane@example.com", true), "at"));
        assertEquals(1, google.tokensIssued.get(), "the service account's token is reused until it nears expiry");
    }

    @Test
    void directoryAddsTheMappingAndAUserWithoutGroupsHasNone() {
        Map<String, String> settings = new HashMap<>(google.directorySettings(dir));
        settings.put("OIDC_GOOGLE_GROUP_MAPPING", "mlflow-admin=boss@example.com");
        GroupDetector detector = create(new GoogleDirectoryGroupDetector.Factory(), settings);
        assertEquals(List.of("mlflow-admin"), detector.detectGroups(StubContext.ofToken(googleToken("boss@example.com", true), "at")));
        assertEquals(List.of(), detector.detectGroups(StubContext.ofToken(googleToken("new@example.com", true), "at")));
    }

    @Test
    void directoryGetsAFreshTokenWhenTheCachedOneIsRejected() {
        google.memberships.put("jane@example.com", List.of("mlflow@example.com"));
        GroupDetector detector = create(new GoogleDirectoryGroupDetector.Factory(), google.directorySettings(dir));
        detector.detectGroups(StubContext.ofToken(googleToken("jane@example.com", true), "at"));
        google.tokensIssued.incrementAndGet(); // the stub now refuses the cached token, as after a revocation
        assertEquals(List.of("mlflow@example.com"),
                detector.detectGroups(StubContext.ofToken(googleToken("jane@example.com", true), "at")));
        assertEquals(2, server.requests(GoogleApisStub.TOKEN_PATH).size(), "one new token after the 401");
    }

    @Test
    void directoryRefusesAccountsWithoutAVerifiedEmail() {
        GroupDetector detector = create(new GoogleDirectoryGroupDetector.Factory(), google.directorySettings(dir));
        GroupDetectionException e = assertThrows(GroupDetectionException.class,
                () -> detector.detectGroups(StubContext.ofToken(googleToken("jane@example.com", false), null)));
        assertTrue(e.getMessage().contains("no verified e-mail"), e.getMessage());
    }

    @Test
    void aWrongKeyIsReportedWithTheTokenEndpointsError() {
        Map<String, String> settings = new HashMap<>(google.directorySettings(dir));
        settings.put("OIDC_GOOGLE_DELEGATED_ADMIN", "someone-else@example.com");
        GroupDetector detector = create(new GoogleDirectoryGroupDetector.Factory(), settings);
        GroupDetectionException e = assertThrows(GroupDetectionException.class,
                () -> detector.detectGroups(StubContext.ofToken(googleToken("jane@example.com", true), null)));
        assertTrue(e.getMessage().contains("invalid_grant"), e.getMessage());
    }

    @Test
    void configurationProblemsNameTheSetting() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> create(new GoogleMappingGroupDetector.Factory(), Map.of()));
        assertTrue(e.problems().get(0).startsWith("OIDC_GOOGLE_GROUP_MAPPING is not set"), e.getMessage());
        e = assertThrows(SettingsException.class, () -> create(new GoogleDirectoryGroupDetector.Factory(), Map.of()));
        assertTrue(e.getMessage().contains("OIDC_GOOGLE_SERVICE_ACCOUNT_FILE is not set"), e.getMessage());
    }

    static GroupDetector create(GroupDetectorFactory factory, Map<String, String> settings) {
        return factory.create(PluginSettings.of(settings));
    }
}
