package dev.oidcsso.authz;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a principal may do with a resource, weakest first: {@code NO_PERMISSIONS < READ < USE < EDIT
 * < MANAGE}. Each level includes every weaker one.
 */
public enum PermissionLevel {
    /** Nothing at all; the resource is not even listed. */
    NO_PERMISSIONS,
    /** See the resource and its contents. */
    READ,
    /** Read, and use the resource (for example run or serve a model) without changing it. */
    USE,
    /** Use, and change the resource. */
    EDIT,
    /** Edit, delete the resource and grant permissions on it. */
    MANAGE;

    /**
     * Whether this level includes {@code required}.
     *
     * @param required the level an operation needs
     * @return true when this level is at least as strong
     */
    public boolean allows(PermissionLevel required) {
        return compareTo(required) >= 0;
    }

    /**
     * The stronger of two levels.
     *
     * @param other another level
     * @return the stronger one
     */
    public PermissionLevel max(PermissionLevel other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /**
     * Parses a level as written in configuration, the REST API or the database: {@code READ},
     * {@code read}, {@code no_permissions}, {@code no-permissions} (case and separator insensitive).
     *
     * @param text the level's name
     * @return the level, or empty when the text names none
     */
    public static Optional<PermissionLevel> find(String text) {
        String normalised = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        return Arrays.stream(values()).filter(level -> level.name().equals(normalised)).findFirst();
    }

    /**
     * Parses a level, failing with a message that lists the valid names.
     *
     * @param text the level's name
     * @return the level
     * @throws PermissionInputException (400) naming the valid levels
     */
    public static PermissionLevel parse(String text) {
        return find(text).orElseThrow(() -> new PermissionInputException(
                "'" + PermissionInputException.excerpt(text) + "' is not a permission level; use one of " + names()));
    }

    /**
     * The names of every level, weakest first, for error messages.
     *
     * @return for example {@code NO_PERMISSIONS, READ, USE, EDIT, MANAGE}
     */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
