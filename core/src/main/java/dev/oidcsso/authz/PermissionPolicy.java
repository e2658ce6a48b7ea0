package dev.oidcsso.authz;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingValues;
import dev.oidcsso.config.SettingsException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How permission decisions are made: the order of the sources and the level when none answers.
 *
 * @param order        the sources asked in turn; each at most once
 * @param defaultLevel the level when no source has an answer
 */
public record PermissionPolicy(List<PermissionSource> order, PermissionLevel defaultLevel) {

    /** Setting: comma list of sources, default {@code user,group,regex,group-regex}. */
    public static final String SOURCE_ORDER_SETTING = "PERMISSION_SOURCE_ORDER";
    /** Setting: the level when no source answers, default {@code NO_PERMISSIONS}. */
    public static final String DEFAULT_PERMISSION_SETTING = "DEFAULT_PERMISSION";

    /** The seeds' order: user, group, regex, group-regex. */
    public static final List<PermissionSource> DEFAULT_ORDER = List.of(
            PermissionSource.USER, PermissionSource.GROUP, PermissionSource.REGEX, PermissionSource.GROUP_REGEX);

    /**
     * Validates and copies.
     *
     * @param order        the sources asked in turn
     * @param defaultLevel the level when no source answers
     */
    public PermissionPolicy {
        order = List.copyOf(order);
        Objects.requireNonNull(defaultLevel, "defaultLevel");
        if (new LinkedHashSet<>(order).size() != order.size()) {
            throw new IllegalArgumentException("permission source order " + order + " names a source twice");
        }
    }

    /**
     * The default policy: the seeds' order, and {@link PermissionLevel#NO_PERMISSIONS}.
     *
     * @return the default policy
     */
    public static PermissionPolicy defaults() {
        return new PermissionPolicy(DEFAULT_ORDER, PermissionLevel.NO_PERMISSIONS);
    }

    /**
     * The policy from the settings.
     *
     * @param settings the settings
     * @return the policy
     * @throws SettingsException listing every problem with the two settings
     */
    public static PermissionPolicy from(OidcSettings settings) {
        return from(settings.values());
    }

    /**
     * The policy from raw settings {@value #SOURCE_ORDER_SETTING} and {@value #DEFAULT_PERMISSION_SETTING}.
     *
     * @param values the raw settings
     * @return the policy
     * @throws SettingsException listing every problem with the two settings
     */
    public static PermissionPolicy from(SettingValues values) {
        List<String> problems = new ArrayList<>();
        List<PermissionSource> order = new ArrayList<>();
        List<String> names = values.list(SOURCE_ORDER_SETTING, false);
        Set<PermissionSource> seen = new LinkedHashSet<>();
        for (String name : names) {
            PermissionSource.find(name).ifPresentOrElse(source -> {
                if (seen.add(source)) {
                    order.add(source);
                } else {
                    problems.add(SOURCE_ORDER_SETTING + " names '" + name + "' twice");
                }
            }, () -> problems.add(SOURCE_ORDER_SETTING + " entry '" + name + "' is not a permission source; use a comma list of "
                    + PermissionSource.names()));
        }
        if (names.isEmpty()) {
            order.addAll(DEFAULT_ORDER);
        }
        PermissionLevel defaultLevel = values.get(DEFAULT_PERMISSION_SETTING)
                .map(text -> PermissionLevel.find(text).orElseGet(() -> {
                    problems.add(DEFAULT_PERMISSION_SETTING + "='" + text + "' is not a permission level; use one of "
                            + PermissionLevel.names());
                    return PermissionLevel.NO_PERMISSIONS;
                }))
                .orElse(PermissionLevel.NO_PERMISSIONS);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new PermissionPolicy(order, defaultLevel);
    }
}
