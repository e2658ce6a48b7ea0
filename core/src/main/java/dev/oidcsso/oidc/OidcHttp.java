package dev.oidcsso.oidc;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends requests to the IdP with the configured timeouts; a network failure becomes a
 * {@link ProviderUnavailableException} naming the endpoint, never the request's secrets. Every
 * answer (discovery, JWKS, token endpoint, UserInfo) is bounded in size and in time, whatever the
 * IdP sends.
 */
public final class OidcHttp {

    /** Far above any IdP's answer (tokens, discovery, a JWKS of a few KiB), far below what could strain the heap. */
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
     * Sends a request, bounded like every exchange with the IdP (see {@link #postForm}): the whole
     * answer, status line and headers included, within twice the timeout, and at most
     * {@link #MAX_ANSWER_BYTES}. Used for the discovery document and UserInfo.
     *
     * @param request the request
     * @param what    what the endpoint is, for messages (for example {@code UserInfo endpoint})
     * @return the response, whatever its status
     * @throws ProviderUnavailableException when the endpoint cannot be reached, or its answer is too slow or too large
     */
    public HTTPResponse send(HTTPRequest request, String what) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.getHeaderMap().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        String body = request.getBody();
        URI endpoint;
        try {
            endpoint = request.getURL().toURI();
        } catch (URISyntaxException e) {
            throw new ProviderUnavailableException("the IdP's " + what + " at " + request.getURL().getHost() + " has no valid URL", e);
        }
        return exchange(request.getMethod().name(), endpoint, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), what, true);
    }

    /**
     * Posts a form (the token endpoint's requests, RFC 6749 3.2) with the JDK's connection directly:
     * building the request through the SDK's {@link HTTPRequest} cost a login more CPU than the
     * exchange itself. Same timeouts and bounds as {@link #send}, no redirects; the answer is handed
     * to the SDK's parsers as an {@link HTTPResponse}, whatever its status.
     *
     * @param endpoint      the endpoint
     * @param authorization the {@code Authorization} header, if the client authenticates with one
     * @param form          the URL-encoded form
     * @param what          what the endpoint is, for messages (for example {@code token endpoint})
     * @return the response, whatever its status
     * @throws ProviderUnavailableException when the endpoint cannot be reached, or its answer is too slow or too large
     */
    public HTTPResponse postForm(URI endpoint, Optional<String> authorization, String form, String what) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
        headers.put("Accept", "application/json");
        authorization.ifPresent(value -> headers.put("Authorization", value));
        // Only the content type: the token endpoint's answer (RFC 6749 5.1, 5.2) is its body.
        return exchange("POST", endpoint, headers, form.getBytes(StandardCharsets.UTF_8), what, false);
    }

    /**
     * A fetcher of signing keys (the IdP's and workload issuers' JWKS) with the same bounds as every
     * other exchange: Nimbus's own retriever bounds the size, but its timeouts are per read only.
     *
     * @return the fetcher; an answer other than 200 is an {@link IOException}
     */
    public ResourceRetriever keyRetriever() {
        return url -> {
            URI endpoint;
            try {
                endpoint = url.toURI();
            } catch (URISyntaxException e) {
                throw new IOException("the JWKS URL is not valid", e);
            }
            HTTPResponse response = exchange("GET", endpoint, Map.of("Accept", "application/json"), null, "JWKS", false);
            if (response.getStatusCode() != 200) {
                throw new IOException("the IdP's JWKS at " + endpoint.getHost() + " answered HTTP " + response.getStatusCode());
            }
            return new Resource(response.getBody(), response.getHeaderValue("Content-Type"));
        };
    }

    /**
     * One exchange. The read timeout bounds each read only, so a watchdog cuts the connection at twice
     * the timeout from the start: an IdP trickling its status line, headers or body a byte at a time
     * would otherwise hold the request's thread (or a refresh thread) as long as it likes.
     */
    private HTTPResponse exchange(String method, URI endpoint, Map<String, String> headers, byte[] body, String what,
                                  boolean allHeaders) {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) endpoint.toURL().openConnection();
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a URI that is no URL (the discovery document's endpoint is outside input).
            throw unreachable(endpoint, what, e);
        }
        // Whoever takes the connection out first decides: the reader, having read the whole answer, or the watchdog,
        // which cuts it. The delayed task outlives a finished exchange until its time, holding only this empty holder.
        AtomicReference<HttpURLConnection> unfinished = new AtomicReference<>(connection);
        // Runs on the JDK's delay thread: disconnect() only closes the socket, which ends a blocked read.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            HttpURLConnection cut = unfinished.getAndSet(null);
            if (cut != null) {
                cut.disconnect();
            }
        }, CompletableFuture.delayedExecutor(2L * timeoutMillis, TimeUnit.MILLISECONDS, Runnable::run));
        try {
            connection.setConnectTimeout(timeoutMillis);
            connection.setReadTimeout(timeoutMillis);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestMethod(method);
            headers.forEach(connection::setRequestProperty);
            if (body != null) {
                connection.setDoOutput(true);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            byte[] content;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                // Read to the end, so the connection goes back to the keep-alive cache for the next request.
                content = in == null ? new byte[0] : readBounded(in, what, endpoint);
                if (unfinished.getAndSet(null) == null) {
                    throw tooSlow(endpoint, what);
                }
            } catch (ProviderUnavailableException e) {
                connection.disconnect();
                throw e;
            }
            HTTPResponse response = new HTTPResponse(status);
            if (allHeaders) {
                // UserInfo's refusal is in WWW-Authenticate (RFC 6750 3), which the SDK's parser reads.
                connection.getHeaderFields().forEach((name, values) -> {
                    if (name != null && !values.isEmpty()) {
                        response.setHeader(name, values.toArray(new String[0]));
                    }
                });
            } else {
                String contentType = connection.getContentType();
                if (contentType != null) {
                    response.setHeader("Content-Type", contentType);
                }
            }
            response.setBody(new String(content, StandardCharsets.UTF_8));
            return response;
        } catch (IOException | IllegalArgumentException e) {
            if (unfinished.get() == null) {
                throw tooSlow(endpoint, what); // the reader only takes it after a whole answer: the watchdog cut it
            }
            throw unreachable(endpoint, what, e);
        } finally {
            unfinished.set(null);
            watchdog.cancel(false);
        }
    }

    /**
     * Reads an answer whole, but no more than {@link #MAX_ANSWER_BYTES}: an IdP that sends without
     * end would otherwise fill the heap.
     */
    private static byte[] readBounded(InputStream in, String what, URI endpoint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) != -1) {
            out.write(buffer, 0, read);
            if (out.size() > MAX_ANSWER_BYTES) {
                throw new ProviderUnavailableException("the IdP's " + what + " at " + endpoint.getHost()
                        + " sent an answer larger than " + MAX_ANSWER_BYTES / 1024 + " KiB");
            }
        }
        return out.toByteArray();
    }

    private static ProviderUnavailableException tooSlow(URI endpoint, String what) {
        return new ProviderUnavailableException("the IdP's " + what + " at " + endpoint.getHost()
                + " did not finish its answer in twice the timeout (OIDC_HTTP_TIMEOUT)");
    }

    private static ProviderUnavailableException unreachable(URI endpoint, String what, Exception e) {
        return new ProviderUnavailableException("the IdP's " + what + " at " + endpoint.getHost()
                + " cannot be reached: " + e.getClass().getSimpleName(), e);
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
