package dev.oidcsso.spi.support;

import dev.oidcsso.OidcSsoException;

/**
 * A call made with {@link JsonHttp} failed: the server could not be reached, answered an error or
 * answered something that is not a JSON object. The message names the method and URL (without the
 * query) and the server's error code, never a token.
 */
public class JsonHttpException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    private final int remoteStatus;

    /**
     * Creates the exception.
     *
     * @param remoteStatus the HTTP status the server answered, or 0 when there was no answer
     * @param message      what failed
     * @param cause        the underlying failure, or {@code null}
     */
    public JsonHttpException(int remoteStatus, String message, Throwable cause) {
        super(502, message, cause);
        this.remoteStatus = remoteStatus;
    }

    /**
     * The HTTP status the remote server answered.
     *
     * @return the status, or 0 when the server could not be reached
     */
    public int remoteStatus() {
        return remoteStatus;
    }
}
