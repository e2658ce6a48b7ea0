package dev.oidcsso.identity;

import dev.oidcsso.OidcSsoException;

/**
 * The group detector could not find the user's groups (a directory such as Microsoft Graph or
 * Google's Directory API failed, or the detector broke). Status 502: the request may be retried;
 * no session is made without groups.
 */
public class GroupsUnavailableException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which detector failed and what to do; never a token
     */
    public GroupsUnavailableException(String message) {
        super(502, message);
    }
}
