package dev.oidcsso.config;

import java.util.List;
import java.util.Locale;

/**
 * Who the user is and what role they get: the identity source, the user name claims, the identity
 * validator, the group detector and the group names of the two roles.
 *
 * @param source          {@code OIDC_IDENTITY_SOURCE}, lower case
 * @param usernameClaims  {@code OIDC_USERNAME_CLAIM}, tried in order
 * @param validator       {@code OIDC_IDENTITY_VALIDATOR}, lower case
 * @param groupDetector   {@code OIDC_GROUP_DETECTION_PLUGIN}, lower case
 * @param groupsAttribute {@code OIDC_GROUPS_ATTRIBUTE}, the claim path of the groups
 * @param userGroups      {@code OIDC_GROUP_NAME}: members may use the application
 * @param adminGroups     {@code OIDC_ADMIN_GROUP_NAME}: members administer it
 */
public record IdentitySettings(String source, List<String> usernameClaims, String validator, String groupDetector,
                               String groupsAttribute, List<String> userGroups, List<String> adminGroups) {

    /**
     * Copies the lists.
     *
     * @param source          the identity source's name
     * @param usernameClaims  the user name claims
     * @param validator       the identity validator's name
     * @param groupDetector   the group detector's name
     * @param groupsAttribute the groups claim path
     * @param userGroups      the user groups
     * @param adminGroups     the admin groups
     */
    public IdentitySettings {
        usernameClaims = List.copyOf(usernameClaims);
        userGroups = List.copyOf(userGroups);
        adminGroups = List.copyOf(adminGroups);
    }

    static IdentitySettings parse(SettingValues values) {
        return new IdentitySettings(
                values.get(SettingNames.IDENTITY_SOURCE).orElse("id_token").toLowerCase(Locale.ROOT),
                SettingParsers.listOrDefault(values, SettingNames.USERNAME_CLAIM, List.of("preferred_username", "email", "sub")),
                values.get(SettingNames.IDENTITY_VALIDATOR).orElse("none").toLowerCase(Locale.ROOT),
                values.get(SettingNames.GROUP_DETECTION_PLUGIN).orElse("claim").toLowerCase(Locale.ROOT),
                values.get(SettingNames.GROUPS_ATTRIBUTE).orElse("groups"),
                SettingParsers.listOrDefault(values, SettingNames.GROUP_NAME, List.of("mlflow")),
                SettingParsers.listOrDefault(values, SettingNames.ADMIN_GROUP_NAME, List.of("mlflow-admin")));
    }
}
