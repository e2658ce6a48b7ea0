package dev.oidcsso.authz;

import dev.oidcsso.config.PermissionSettings;
import dev.oidcsso.config.SettingValues;
import dev.oidcsso.config.SettingsException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PermissionPolicyTest {

    @Test
    void levelsAreOrderedAndIncludeTheWeakerOnes() {
        assertTrue(PermissionLevel.MANAGE.allows(PermissionLevel.EDIT));
        assertTrue(PermissionLevel.EDIT.allows(PermissionLevel.USE));
        assertTrue(PermissionLevel.USE.allows(PermissionLevel.READ));
        assertTrue(PermissionLevel.READ.allows(PermissionLevel.READ));
        assertFalse(PermissionLevel.READ.allows(PermissionLevel.USE));
        assertFalse(PermissionLevel.NO_PERMISSIONS.allows(PermissionLevel.READ));
        assertEquals(PermissionLevel.EDIT, PermissionLevel.READ.max(PermissionLevel.EDIT));
    }

    @Test
    void levelsParseLenientlyAndFailNamingTheValidOnes() {
        assertEquals(Optional.of(PermissionLevel.NO_PERMISSIONS), PermissionLevel.find("no-permissions"));
        assertEquals(PermissionLevel.MANAGE, PermissionLevel.parse(" manage "));
        PermissionInputException bad = assertThrows(PermissionInputException.class, () -> PermissionLevel.parse("WRITE"));
        assertEquals(400, bad.status());
        assertEquals("'WRITE' is not a permission level; use one of NO_PERMISSIONS, READ, USE, EDIT, MANAGE", bad.getMessage());
    }

    @Test
    void defaultsAreTheSeedsOrderAndNoPermissions() {
        PermissionPolicy policy = PermissionSettings.from(SettingValues.of(Map.of()));
        assertEquals(List.of(PermissionSource.USER, PermissionSource.GROUP, PermissionSource.REGEX, PermissionSource.GROUP_REGEX),
                policy.order());
        assertEquals(PermissionLevel.NO_PERMISSIONS, policy.defaultLevel());
        assertEquals(policy, PermissionPolicy.defaults());
    }

    @Test
    void settingsAreRead() {
        PermissionPolicy policy = PermissionSettings.from(SettingValues.of(Map.of(
                "PERMISSION_SOURCE_ORDER", "group-regex, user", "DEFAULT_PERMISSION", "read")));
        assertEquals(List.of(PermissionSource.GROUP_REGEX, PermissionSource.USER), policy.order());
        assertEquals(PermissionLevel.READ, policy.defaultLevel());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        SettingsException problems = assertThrows(SettingsException.class, () -> PermissionSettings.from(SettingValues.of(Map.of(
                "PERMISSION_SOURCE_ORDER", "user,groups,user", "DEFAULT_PERMISSION", "WRITE"))));
        assertEquals(List.of(
                "PERMISSION_SOURCE_ORDER entry 'groups' is not a permission source; use a comma list of user, group, regex, group-regex",
                "PERMISSION_SOURCE_ORDER names 'user' twice",
                "DEFAULT_PERMISSION='WRITE' is not a permission level; use one of NO_PERMISSIONS, READ, USE, EDIT, MANAGE"),
                problems.problems());
    }
}
