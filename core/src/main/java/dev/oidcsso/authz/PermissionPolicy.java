package dev.oidcsso.authz;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * How permission decisions are made: the order of the sources and the level when none answers.
 * Read from the settings by {@code dev.oidcsso.config.PermissionSettings}, as part of the one
 * validation pass ({@code OidcSettings.permissions()}).
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
}
