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
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
    /** Far above the endpoints of the few IdPs one application signs in with. */
    private static final int MAX_ENDPOINTS = 64;

    private final int timeoutMillis;
    private final ScheduledThreadPoolExecutor deadlines;
    /**
     * The URL of each endpoint asked, made once: a login's token request spent more CPU turning the
     * endpoint's URI into a URL than on its form. Endpoints are the IdPs' few (discovery, keys,
     * token, UserInfo); the map is emptied should a changing discovery document ever name more.
     */
    private final Map<URI, URL> urls = new ConcurrentHashMap<>();

    /**
     * Creates the sender.
     *
     * @param timeout the connect and read timeout of each request
     */
    public OidcHttp(Duration timeout) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // Its own timer, not the JDK's shared delay thread: a finished exchange removes its cut from the queue,
        // so no thread wakes for it later, and nothing else in the JVM waits behind a cut. The thread ends when idle.
        this.deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "oidc-sso-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        deadlines.setRemoveOnCancelPolicy(true);
        deadlines.setKeepAliveTime(30, TimeUnit.SECONDS);
        deadlines.allowCoreThreadTimeOut(true);
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
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), what, Kind.DOCUMENT);
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
        return exchange("POST", endpoint, headers, form.getBytes(StandardCharsets.UTF_8), what, Kind.FORM);
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
            HTTPResponse response = exchange("GET", endpoint, Map.of("Accept", "application/json"), null, "JWKS", Kind.KEYS);
            if (response.getStatusCode() != 200) {
                throw new IOException("the IdP's JWKS at " + endpoint.getHost() + " answered HTTP " + response.getStatusCode());
            }
            return new Resource(response.getBody(), response.getHeaderValue("Content-Type"));
        };
    }

    /** What an exchange keeps of the answer's headers, and whether it follows a redirect. */
    private enum Kind {
        /** Discovery and UserInfo: every header (UserInfo's refusal is in {@code WWW-Authenticate}, RFC 6750 3). */
        DOCUMENT(true, false),
        /** The token endpoint: never redirected, since the form carries the code and the client's secret. */
        FORM(false, false),
        /** Public keys: a redirect is followed within the same scheme, as the SDK's key retriever did. */
        KEYS(false, true);

        final boolean allHeaders;
        final boolean followRedirects;

        Kind(boolean allHeaders, boolean followRedirects) {
            this.allHeaders = allHeaders;
            this.followRedirects = followRedirects;
        }
    }

    /**
     * One exchange, ended at twice the timeout from its start (plus at most one read). The read
     * timeout bounds each read only, so an IdP trickling its answer a byte at a time could otherwise
     * hold the request's thread (or a refresh thread) as long as it likes. Until the status line and
     * headers have arrived only a watchdog can end the wait, and it cuts the connection; after that
     * the reader checks the deadline itself after each read, because closing a stream another thread
     * is reading waits for that read's lock and the cuts of several slow answers would queue up.
     */
    private HTTPResponse exchange(String method, URI endpoint, Map<String, String> headers, byte[] body, String what, Kind kind) {
        HttpURLConnection connection;
        try {
            if (!(url(endpoint).openConnection() instanceof HttpURLConnection http)) {
                throw unreachable(endpoint, what, new IllegalArgumentException("not an http(s) URL"));
            }
            connection = http;
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a URI that is no URL (the discovery document's endpoint is outside input).
            throw unreachable(endpoint, what, e);
        }
        long deadline = System.nanoTime() + 2L * timeoutMillis * 1_000_000L;
        // Whoever takes the connection out first decides: the reader, once the headers are in, or the watchdog,
        // which cuts it.
        AtomicReference<HttpURLConnection> waitingForHeaders = new AtomicReference<>(connection);
        // Before the headers, disconnect() only closes the socket, which ends the wait at once.
        ScheduledFuture<?> watchdog = deadlines.schedule(() -> {
            HttpURLConnection cut = waitingForHeaders.getAndSet(null);
            if (cut != null) {
                cut.disconnect();
            }
        }, 2L * timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            connection.setConnectTimeout(timeoutMillis);
            connection.setReadTimeout(timeoutMillis);
            connection.setInstanceFollowRedirects(kind.followRedirects);
            connection.setRequestMethod(method);
            headers.forEach(connection::setRequestProperty);
            if (body != null) {
                connection.setDoOutput(true);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            if (waitingForHeaders.getAndSet(null) == null) {
                throw tooSlow(endpoint, what);
            }
            byte[] content;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                // Read to the end, so the connection goes back to the keep-alive cache for the next request.
                content = in == null ? new byte[0] : readBounded(in, deadline, what, endpoint);
            } catch (ProviderUnavailableException e) {
                connection.disconnect();
                throw e;
            }
            HTTPResponse response = new HTTPResponse(status);
            if (kind.allHeaders) {
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
            if (waitingForHeaders.get() == null && System.nanoTime() - deadline >= 0) {
                throw tooSlow(endpoint, what); // the watchdog cut it
            }
            throw unreachable(endpoint, what, e);
        } finally {
            waitingForHeaders.set(null);
            watchdog.cancel(false);
        }
    }

    private URL url(URI endpoint) throws MalformedURLException {
        URL url = urls.get(endpoint);
        if (url == null) {
            url = endpoint.toURL();
            if (urls.size() >= MAX_ENDPOINTS) {
                urls.clear();
            }
            urls.put(endpoint, url);
        }
        return url;
    }

    /**
     * Reads an answer whole, but no more than {@link #MAX_ANSWER_BYTES}: an IdP that sends without
     * end would otherwise fill the heap.
     */
    private static byte[] readBounded(InputStream in, long deadline, String what, URI endpoint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) != -1) {
            if (System.nanoTime() - deadline > 0) {
                throw tooSlow(endpoint, what);
            }
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
