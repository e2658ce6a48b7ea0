package dev.oidcsso.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What kind of thing a change-log entry is about; each kind says what its key is.
 */
public enum ChangeKind {
    /** A user was recorded at login, disabled, enabled or deleted; key: the user name. */
    USER,
    /** A user's access token was created, rotated or deleted; key: the user name. */
    TOKEN,
    /** A grant on a resource changed; key: {@code type/name} of the resource. */
    GRANT,
    /** A regular-expression rule changed; key: the resource type. */
    RULE,
    /** A session ended; key: the base64url SHA-256 of the session id. */
    SESSION;

    /**
     * The code stored in the change log.
     *
     * @return the lower-case name
     */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Finds a kind by its stored code.
     *
     * @param code the stored code
     * @return the kind, or empty for a code written by a newer version
     */
    public static Optional<ChangeKind> fromCode(String code) {
        return Arrays.stream(values()).filter(kind -> kind.code().equals(code)).findFirst();
    }
}
