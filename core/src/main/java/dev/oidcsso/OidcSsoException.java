package dev.oidcsso;

/**
 * The root of the framework's unchecked exceptions. Every subclass carries the HTTP status that a
 * request failing with it should get, and a message that is safe to show: it never contains a token,
 * a cookie or a secret.
 */
public class OidcSsoException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status  the HTTP status a request failing with it gets
     * @param message a safe message that says what went wrong and how to fix it
     */
    public OidcSsoException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Creates the exception with its cause.
     *
     * @param status  the HTTP status a request failing with it gets
     * @param message a safe message that says what went wrong and how to fix it
     * @param cause   the underlying failure
     */
    public OidcSsoException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /**
     * The HTTP status a request failing with this exception gets.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The message a client may see. It is {@link #getMessage()} unless a subclass's message carries
     * operator details (addresses, the last failure) that belong in the log only.
     *
     * @return the public message
     */
    public String publicMessage() {
        return getMessage();
    }
}
