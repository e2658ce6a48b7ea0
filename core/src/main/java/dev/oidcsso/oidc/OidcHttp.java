package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

import java.io.IOException;
import java.time.Duration;

/**
 * Sends requests to the IdP with the configured timeouts; a network failure becomes a
 * {@link ProviderUnavailableException} naming the endpoint, never the request's secrets.
 */
public final class OidcHttp {

    private final int timeoutMillis;

    /**
     * Creates the sender.
     *
     * @param timeout the connect and read timeout of each request
     */
    public OidcHttp(Duration timeout) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    /**
     * Sends a request.
     *
     * @param request the request
     * @param what    what the endpoint is, for messages (for example {@code token endpoint})
     * @return the response, whatever its status
     * @throws ProviderUnavailableException when the endpoint cannot be reached
     */
    public HTTPResponse send(HTTPRequest request, String what) {
        request.setConnectTimeout(timeoutMillis);
        request.setReadTimeout(timeoutMillis);
        request.setFollowRedirects(false);
        try {
            return request.send();
        } catch (IOException e) {
            throw new ProviderUnavailableException("the IdP's " + what + " at " + request.getURL().getHost()
                    + " cannot be reached: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The timeout in milliseconds.
     *
     * @return the timeout
     */
    public int timeoutMillis() {
        return timeoutMillis;
    }
}
