package dev.oidcsso.authz;

import java.util.Locale;
import java.util.Objects;

/**
 * Who a grant or rule is for: one user or one group.
 *
 * @param kind user or group
 * @param name the user name or group name: not blank, at most {@value #MAX_NAME_LENGTH} characters, usable by {@link Names}
 */
public record Grantee(Kind kind, String name) {

    /** The longest accepted user or group name. */
    public static final int MAX_NAME_LENGTH = 256;

    /** Whether a grant is for a user or for a group. */
    public enum Kind {
        /** One user, by user name. */
        USER,
        /** Every member of one group. */
        GROUP;

        /**
         * The lower-case name stored in the database and used in the REST API.
         *
         * @return {@code user} or {@code group}
         */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses {@code user} or {@code group}.
         *
         * @param code the text
         * @return the kind
         * @throws PermissionInputException (400) for anything else
         */
        public static Kind parse(String code) {
            return switch (code.trim().toLowerCase(Locale.ROOT)) {
                case "user" -> USER;
                case "group" -> GROUP;
                default -> throw new PermissionInputException("'" + PermissionInputException.excerpt(code)
                        + "' is neither 'user' nor 'group'");
            };
        }
    }

    /**
     * Validates the name.
     *
     * @param kind user or group
     * @param name the name
     * @throws PermissionInputException (400) when the name is blank, too long or holds a character {@link Names} forbids
     */
    public Grantee {
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isBlank()) {
            throw new PermissionInputException("a " + kind.code() + " name must not be blank");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new PermissionInputException("a " + kind.code() + " name is " + name.length()
                    + " characters long; at most " + MAX_NAME_LENGTH + " are accepted");
        }
        Names.check("a " + kind.code() + " name", name);
    }

    /**
     * A grantee for one user.
     *
     * @param username the user name
     * @return the grantee
     */
    public static Grantee user(String username) {
        return new Grantee(Kind.USER, username);
    }

    /**
     * A grantee for one group.
     *
     * @param group the group name
     * @return the grantee
     */
    public static Grantee group(String group) {
        return new Grantee(Kind.GROUP, group);
    }

    @Override
    public String toString() {
        return kind.code() + ":" + name;
    }
}
