package dev.oidcsso.authz;

import dev.oidcsso.OidcSsoException;

/**
 * A permission request carries unusable input: an unknown resource type, a name or pattern that is
 * too long, an invalid regular expression. Requests failing with it get 400. The message names the
 * problem and the limit; it echoes at most a short prefix of the offending text.
 */
public class PermissionInputException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and how to fix it
     */
    public PermissionInputException(String message) {
        super(400, message);
    }

    /**
     * Shortens user-supplied text for an error message, so that a hostile megabyte name is not
     * copied into logs.
     *
     * @param text the text
     * @return the text, or its first 40 characters followed by an ellipsis
     */
    static String excerpt(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
