package dev.oidcsso.groups;

/**
 * A group detector could not do its work: it was misconfigured (at start-up) or could not determine
 * the groups of a user (at login). The message is shown to operators, so it should say what to fix;
 * it must never contain a token or a secret.
 */
public class GroupDetectionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and how to fix it
     */
    public GroupDetectionException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and how to fix it
     * @param cause   the underlying failure
     */
    public GroupDetectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
