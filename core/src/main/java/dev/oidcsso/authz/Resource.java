package dev.oidcsso.authz;

import java.util.Objects;

/**
 * One protected resource: its type and its name (for example experiment {@code churn/2026}).
 *
 * @param type the resource's type
 * @param name the resource's name: not blank, at most {@value #MAX_NAME_LENGTH} characters
 */
public record Resource(ResourceType type, String name) {

    /** The longest accepted resource name; longer names are refused before any regular expression runs. */
    public static final int MAX_NAME_LENGTH = 512;

    /**
     * Validates the name.
     *
     * @param type the resource's type
     * @param name the resource's name
     * @throws PermissionInputException (400) when the name is blank, too long or holds a character {@link Names} forbids
     */
    public Resource {
        Objects.requireNonNull(type, "type");
        checkName(name);
    }

    /**
     * Shorthand for the constructor.
     *
     * @param type the resource's type
     * @param name the resource's name
     * @return the resource
     */
    public static Resource of(ResourceType type, String name) {
        return new Resource(type, name);
    }

    /**
     * Checks a resource name.
     *
     * @param name a resource name
     * @return the same name
     * @throws PermissionInputException (400) when it is blank, longer than {@value #MAX_NAME_LENGTH} characters or
     *                                  holds a character {@link Names} forbids
     */
    public static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new PermissionInputException("a resource name must not be blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new PermissionInputException("a resource name is " + name.length() + " characters long; at most "
                    + MAX_NAME_LENGTH + " are accepted");
        }
        return Names.check("a resource name", name);
    }

    @Override
    public String toString() {
        return type.name() + "/" + name;
    }
}
