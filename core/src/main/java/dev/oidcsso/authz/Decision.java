package dev.oidcsso.authz;

import java.util.Objects;

/**
 * The outcome of a permission decision and where it came from, for audit logs and the
 * "why can't I see this?" question.
 *
 * @param level the caller's level on the resource
 * @param basis what answered: {@link Basis#ADMIN}, one of the sources, or {@link Basis#DEFAULT}
 */
public record Decision(PermissionLevel level, Basis basis) {

    /** What gave the answer. */
    public enum Basis {
        /** The caller is an administrator. */
        ADMIN,
        /** A grant to the user on the resource. */
        USER,
        /** Grants to the user's groups on the resource. */
        GROUP,
        /** The user's regular-expression rules. */
        REGEX,
        /** The regular-expression rules of the user's groups. */
        GROUP_REGEX,
        /** No source answered; {@code DEFAULT_PERMISSION} applied. */
        DEFAULT
    }

    /**
     * Checks that nothing is missing.
     *
     * @param level the level
     * @param basis what answered
     */
    public Decision {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(basis, "basis");
    }

    /**
     * Whether the decided level includes the required one.
     *
     * @param required the level an operation needs
     * @return true when allowed
     */
    public boolean allows(PermissionLevel required) {
        return level.allows(required);
    }
}
