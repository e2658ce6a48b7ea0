package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.util.List;
import java.util.Set;

/**
 * Groups from a claim of the identity (or of the token, when the identity claims lack it), at the
 * path {@code OIDC_GROUPS_ATTRIBUTE}: {@code groups} (Okta, Entra), {@code cognito:groups},
 * {@code urn:mlflow:groups} (an Auth0 Action), {@code realm_access.roles} (Keycloak).
 */
public final class ClaimGroupDetector implements GroupDetector {

    /** The name that selects it. */
    public static final String NAME = "claim";

    private final String path;

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
        return NAME;
    }

    @Override
    public List<String> detectGroups(GroupDetectionContext context) {
        List<String> groups = ClaimPath.readStrings(context.claims(), path);
        return groups.isEmpty() ? ClaimPath.readStrings(context.tokenClaims(), path) : groups;
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
            return new ClaimGroupDetector(settings.get(SettingNames.GROUPS_ATTRIBUTE, "groups"));
        }
    }
}
