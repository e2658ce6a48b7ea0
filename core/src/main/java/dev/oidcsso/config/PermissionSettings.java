package dev.oidcsso.config;

import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.PermissionPolicy;
import dev.oidcsso.authz.PermissionSource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the permissions group, {@code PERMISSION_SOURCE_ORDER} and {@code DEFAULT_PERMISSION}, into
 * the typed {@link PermissionPolicy}.
 */
public final class PermissionSettings {

    private PermissionSettings() {
    }

    /**
     * The policy from raw settings.
     *
     * @param values the raw settings
     * @return the policy
     * @throws SettingsException listing every problem with the two settings
     */
    public static PermissionPolicy from(SettingValues values) {
        List<String> problems = new ArrayList<>();
        PermissionPolicy policy = parse(values, problems);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return policy;
    }

    static PermissionPolicy parse(SettingValues values, List<String> problems) {
        List<PermissionSource> order = new ArrayList<>();
        List<String> names = values.list(PermissionPolicy.SOURCE_ORDER_SETTING, false);
        Set<PermissionSource> seen = new LinkedHashSet<>();
        for (String name : names) {
            PermissionSource.find(name).ifPresentOrElse(source -> {
                if (seen.add(source)) {
                    order.add(source);
                } else {
                    problems.add(PermissionPolicy.SOURCE_ORDER_SETTING + " names '" + name + "' twice");
                }
            }, () -> problems.add(PermissionPolicy.SOURCE_ORDER_SETTING + " entry '" + name
                    + "' is not a permission source; use a comma list of " + PermissionSource.names()));
        }
        if (names.isEmpty()) {
            order.addAll(PermissionPolicy.DEFAULT_ORDER);
        }
        PermissionLevel defaultLevel = values.get(PermissionPolicy.DEFAULT_PERMISSION_SETTING)
                .map(text -> PermissionLevel.find(text).orElseGet(() -> {
                    problems.add(PermissionPolicy.DEFAULT_PERMISSION_SETTING + "='" + text + "' is not a permission level; use one of "
                            + PermissionLevel.names());
                    return PermissionLevel.NO_PERMISSIONS;
                }))
                .orElse(PermissionLevel.NO_PERMISSIONS);
        return new PermissionPolicy(order, defaultLevel);
    }
}
