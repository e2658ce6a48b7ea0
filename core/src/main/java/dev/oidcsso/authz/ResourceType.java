package dev.oidcsso.authz;

import java.util.regex.Pattern;

/**
 * A kind of resource the application protects, such as {@code experiment} or
 * {@code registered_model}. Names are short lower-case identifiers so that they are safe in URLs,
 * database keys and change-log keys.
 *
 * @param name the type's name: a lower-case letter, then letters, digits or underscores; at most 64 characters
 */
public record ResourceType(String name) {

    // java.util.regex is fine here: the pattern is ours and fixed, and the input is bounded first.
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /**
     * Validates the name.
     *
     * @param name the type's name
     * @throws PermissionInputException when the name is not a lower-case identifier of at most 64 characters
     */
    public ResourceType {
        if (name == null || name.length() > 64 || !NAME.matcher(name).matches()) {
            throw new PermissionInputException("resource type '" + (name == null ? "" : PermissionInputException.excerpt(name))
                    + "' is not a lower-case identifier (letters, digits, underscores; at most 64 characters)");
        }
    }

    /**
     * Shorthand for the constructor.
     *
     * @param name the type's name
     * @return the type
     */
    public static ResourceType of(String name) {
        return new ResourceType(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
