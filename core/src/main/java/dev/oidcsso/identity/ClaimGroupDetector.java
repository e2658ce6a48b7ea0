package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetector;

import java.util.List;
import java.util.Map;

/**
 * Groups from a claim of the identity (or of the token, when the identity claims lack it), at the
 * path {@code OIDC_GROUPS_ATTRIBUTE}: {@code groups} (Okta, Entra), {@code cognito:groups},
 * {@code urn:mlflow:groups} (an Auth0 Action), {@code realm_access.roles} (Keycloak).
 */
@AutoService(GroupDetector.class)
public final class ClaimGroupDetector implements GroupDetector {

    private final String path;

    /** The prototype the service loader creates. */
    public ClaimGroupDetector() {
        this("groups");
    }

    /**
     * A detector reading one path.
     *
     * @param path the claim path
     */
    public ClaimGroupDetector(String path) {
        this.path = path;
    }

    @Override
    public String name() {
        return "claim";
    }

    @Override
    public GroupDetector configure(Map<String, String> settings) {
        return new ClaimGroupDetector(settings.getOrDefault(SettingNames.GROUPS_ATTRIBUTE, "groups"));
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        List<String> groups = ClaimPath.readStrings(context.claims(), path);
        return groups.isEmpty() ? ClaimPath.readStrings(context.tokenClaims(), path) : groups;
    }
}
