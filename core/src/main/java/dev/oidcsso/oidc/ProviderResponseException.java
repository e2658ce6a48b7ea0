package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;

/**
 * The identity provider answered a login's back-channel request (token endpoint, UserInfo), but not
 * usably: it refused, sent something unreadable, left out the ID token, or described another user.
 * Status 502 when the IdP is at fault, 400 when it refused the authorization code (the browser
 * brought a bad or used one), 401 for a UserInfo response about another subject.
 */
public class ProviderResponseException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param status  the HTTP status
     * @param message what the IdP answered and what to check; never a token
     */
    public ProviderResponseException(int status, String message) {
        super(status, message);
    }

    /**
     * An OAuth error as text for a message: its code and description, or the HTTP status when the
     * IdP sent no error code (Google's UserInfo endpoint answers a bare 401, for example).
     *
     * @param error      the parsed error, possibly without a code
     * @param httpStatus the HTTP status of the answer
     * @return for example {@code invalid_grant (Code expired)} or {@code HTTP 401 without an error code}
     */
    static String describe(ErrorObject error, int httpStatus) {
        String code = error == null ? null : error.getCode();
        String description = error == null ? null : error.getDescription();
        String text = code == null || code.isBlank() ? "HTTP " + httpStatus + " without an error code" : code + " (HTTP " + httpStatus + ")";
        return description == null || description.isBlank() ? text : text + ": " + description;
    }
}
