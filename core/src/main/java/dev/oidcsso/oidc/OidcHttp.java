package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends requests to the IdP with the configured timeouts; a network failure becomes a
 * {@link ProviderUnavailableException} naming the endpoint, never the request's secrets.
 */
public final class OidcHttp {

    /** Far above any token endpoint's answer (tokens of a few KiB), far below what could strain the heap. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

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
     * Posts a form (the token endpoint's requests, RFC 6749 3.2) with the JDK's connection directly:
     * building the request through the SDK's {@link HTTPRequest} cost a login more CPU than the
     * exchange itself. Same timeouts, no redirects; the answer is handed to the SDK's parsers as an
     * {@link HTTPResponse}, whatever its status.
     *
     * @param endpoint      the endpoint
     * @param authorization the {@code Authorization} header, if the client authenticates with one
     * @param form          the URL-encoded form
     * @param what          what the endpoint is, for messages (for example {@code token endpoint})
     * @return the response, whatever its status
     * @throws ProviderUnavailableException when the endpoint cannot be reached
     */
    public HTTPResponse postForm(URI endpoint, Optional<String> authorization, String form, String what) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
            connection.setConnectTimeout(timeoutMillis);
            connection.setReadTimeout(timeoutMillis);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
            connection.setRequestProperty("Accept", "application/json");
            authorization.ifPresent(value -> connection.setRequestProperty("Authorization", value));
            try (OutputStream body = connection.getOutputStream()) {
                body.write(form.getBytes(StandardCharsets.UTF_8));
            }
            long deadline = System.nanoTime() + 2L * timeoutMillis * 1_000_000L;
            int status = connection.getResponseCode();
            byte[] content;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                // Read to the end, so the connection goes back to the keep-alive cache for the next login.
                content = in == null ? new byte[0] : readBounded(in, deadline, what, endpoint);
            } catch (ProviderUnavailableException e) {
                connection.disconnect();
                throw e;
            }
            HTTPResponse response = new HTTPResponse(status);
            String contentType = connection.getContentType();
            if (contentType != null) {
                response.setHeader("Content-Type", contentType);
            }
            response.setBody(new String(content, StandardCharsets.UTF_8));
            return response;
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a URI that is no URL (the discovery document's endpoint is outside input).
            throw new ProviderUnavailableException("the IdP's " + what + " at " + endpoint.getHost()
                    + " cannot be reached: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads an answer whole, but no more than {@link #MAX_ANSWER_BYTES} and not past the deadline: the
     * read timeout bounds each read only, so an IdP that trickles a byte at a time, or sends without
     * end, would otherwise hold the request's thread (or a refresh thread) and memory for as long as
     * it likes.
     */
    private static byte[] readBounded(InputStream in, long deadline, String what, URI endpoint) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(2048);
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) != -1) {
            out.write(buffer, 0, read);
            if (out.size() > MAX_ANSWER_BYTES) {
                throw new ProviderUnavailableException("the IdP's " + what + " at " + endpoint.getHost()
                        + " sent an answer larger than " + MAX_ANSWER_BYTES / 1024 + " KiB");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ProviderUnavailableException("the IdP's " + what + " at " + endpoint.getHost()
                        + " did not finish its answer in twice the timeout");
            }
        }
        return out.toByteArray();
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
