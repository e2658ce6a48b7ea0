package dev.oidcsso.authz;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a permission decision may find its answer. The order in which they are asked is configured
 * with {@code PERMISSION_SOURCE_ORDER}; the first that has an answer wins.
 */
public enum PermissionSource {
    /** A grant to the user on the resource itself. */
    USER("user"),
    /** Grants to any of the user's groups on the resource; the highest level wins. */
    GROUP("group"),
    /** The user's regular-expression rules for the resource type, by priority. */
    REGEX("regex"),
    /** The regular-expression rules of the user's groups, by priority within a group; the highest level among groups wins. */
    GROUP_REGEX("group-regex");

    private final String configName;

    PermissionSource(String configName) {
        this.configName = configName;
    }

    /**
     * The name used in {@code PERMISSION_SOURCE_ORDER}.
     *
     * @return for example {@code group-regex}
     */
    public String configName() {
        return configName;
    }

    /**
     * Finds a source by its configuration name ({@code group_regex} is accepted too).
     *
     * @param text the name
     * @return the source, or empty when the text names none
     */
    public static Optional<PermissionSource> find(String text) {
        String normalised = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(source -> source.configName.equals(normalised)).findFirst();
    }

    /**
     * The configuration names of every source, for error messages.
     *
     * @return {@code user, group, regex, group-regex}
     */
    public static String names() {
        return Arrays.stream(values()).map(PermissionSource::configName).collect(Collectors.joining(", "));
    }
}
