package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
import dev.oidcsso.observe.ForeignText;

/**
 * The identity provider answered a login's back-channel request (token endpoint, UserInfo), but not
 * usably: it refused, sent something unreadable, left out the ID token, or described another user.
 * Status 502 when the IdP is at fault, 400 when it refused the authorization code (the browser
 * brought a bad or used one), 401 for a UserInfo response about another subject.
 */
public class ProviderResponseException extends LoginException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_CODE = 64;
    private static final int MAX_DESCRIPTION = 300;

    /**
     * Creates the exception.
     *
     * @param status  the HTTP status
     * @param message what the IdP answered and what to check; never a token
     */
    public ProviderResponseException(int status, String message) {
        this(status, message, null, 0);
    }

    /**
     * Creates the exception for an OAuth error answer of the token endpoint.
     *
     * @param status       the HTTP status of this framework's answer
     * @param message      what the IdP answered and what to check; never a token
     * @param errorCode    the OAuth {@code error} code the IdP sent, or null
     * @param remoteStatus the HTTP status the IdP answered with, or 0
     */
    public ProviderResponseException(int status, String message, String errorCode, int remoteStatus) {
        super(status, message);
        this.errorCode = errorCode;
        this.remoteStatus = remoteStatus;
    }

    /** The OAuth error code, for telling a refused grant from a passing or configuration problem. */
    private final String errorCode;
    /** The IdP's HTTP status. */
    private final int remoteStatus;

    /**
     * Whether the IdP refused the grant itself ({@code invalid_grant}: the code or refresh token is
     * expired, revoked or spent), rather than being unable to answer now ({@code 429},
     * {@code temporarily_unavailable}) or refusing this client ({@code invalid_client}: a secret
     * rotated at the IdP first), which do not say anything about the user.
     *
     * @return true for a refusal of the grant
     */
    public boolean grantRefused() {
        return "invalid_grant".equals(errorCode) && remoteStatus != 429 && remoteStatus != 408;
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
        // The IdP's words end up in log lines and error pages: one line, bounded, whatever the SDK lets through.
        String text = code == null || code.isBlank() ? "HTTP " + httpStatus + " without an error code"
                : ForeignText.oneLine(code, MAX_CODE) + " (HTTP " + httpStatus + ")";
        return description == null || description.isBlank() ? text : text + ": " + ForeignText.oneLine(description, MAX_DESCRIPTION);
    }
}
