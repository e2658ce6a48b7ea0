package dev.oidcsso.spi.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.observe.ForeignText;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A small JSON-over-HTTP client for the calls a provider makes besides the login flow itself: a
 * directory (Microsoft Graph, the Google Admin SDK), a token endpoint for a service account, a
 * UserInfo endpoint. Every call has the configured timeout and never follows redirects, so that a
 * bearer token is only ever sent to the URL it was meant for; its whole answer must come within
 * twice the timeout and hold at most 1 MiB, whatever the server sends. Thread-safe and immutable.
 */
public final class JsonHttp {

    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    /** Far above any directory page or token answer, far below what could strain the heap. */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final HttpClient client;
    private final Duration timeout;
    private final ObjectMapper mapper;

    /**
     * Creates the client.
     *
     * @param client  the JDK HTTP client to use
     * @param timeout the timeout of each request
     */
    public JsonHttp(HttpClient client, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.mapper = new ObjectMapper();
    }

    /**
     * Creates a client with its own JDK HTTP client that does not follow redirects.
     *
     * @param timeout the connect timeout and the timeout of each request
     * @return the client
     */
    public static JsonHttp create(Duration timeout) {
        return new JsonHttp(HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build(), timeout);
    }

    /**
     * {@code GET} a JSON object without credentials.
     *
     * @param uri the URL
     * @return the parsed object
     * @throws JsonHttpException when the call fails or does not answer 2xx with a JSON object
     */
    public Map<String, Object> get(URI uri) {
        return send(request(uri).GET().build());
    }

    /**
     * {@code GET} a JSON object with {@code Authorization: Bearer}.
     *
     * @param uri         the URL
     * @param bearerToken the access token; never logged nor put in a message
     * @return the parsed object
     * @throws JsonHttpException when the call fails or does not answer 2xx with a JSON object
     */
    public Map<String, Object> getWithBearer(URI uri, String bearerToken) {
        return getWithBearer(uri, bearerToken, Map.of());
    }

    /**
     * {@code GET} a JSON object with {@code Authorization: Bearer} and further request headers (for
     * example Microsoft Graph's {@code ConsistencyLevel: eventual}).
     *
     * @param uri         the URL
     * @param bearerToken the access token; never logged nor put in a message
     * @param headers     further headers, by name
     * @return the parsed object
     * @throws JsonHttpException when the call fails or does not answer 2xx with a JSON object
     */
    public Map<String, Object> getWithBearer(URI uri, String bearerToken, Map<String, String> headers) {
        HttpRequest.Builder builder = request(uri).header("Authorization", "Bearer " + bearerToken);
        headers.forEach(builder::header);
        return send(builder.GET().build());
    }

    /**
     * {@code POST} an {@code application/x-www-form-urlencoded} body and read a JSON object, as a
     * token endpoint expects.
     *
     * @param uri  the URL
     * @param form the form fields
     * @return the parsed object
     * @throws JsonHttpException when the call fails or does not answer 2xx with a JSON object
     */
    public Map<String, Object> postForm(URI uri, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * URL-encodes a query or form value.
     *
     * @param value the value
     * @return the encoded value
     */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    }

    private Map<String, Object> send(HttpRequest request) {
        String where = request.method() + " " + withoutQuery(request.uri());
        HttpResponse<String> response;
        // The request's timeout ends at the headers; the whole answer gets twice it, and a bounded size.
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(request, info -> new BoundedBody(MAX_ANSWER_BYTES));
        try {
            response = pending.get(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new JsonHttpException(0, where + " did not finish its answer in twice the timeout", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String message = cause instanceof AnswerTooLargeException ? cause.getMessage() : cause.getClass().getSimpleName();
            throw new JsonHttpException(0, where + " failed: " + message, cause);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new JsonHttpException(0, where + " was interrupted", e);
        }
        Map<String, Object> json;
        try {
            json = mapper.readValue(response.body(), JSON_OBJECT);
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new JsonHttpException(status, where + " answered " + status + errorOf(json), null);
        }
        if (json == null) {
            throw new JsonHttpException(status, where + " answered " + status + " without a JSON object", null);
        }
        return json;
    }

    /** The URL without its query, which may carry a user's e-mail address or a page token. */
    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /**
     * The error code and description of an OAuth ({@code error}, {@code error_description}) or
     * Google/Graph ({@code error.code}, {@code error.message}) error body, short, for operators.
     */
    private static String errorOf(Map<String, Object> json) {
        if (json == null) {
            return "";
        }
        Object error = json.get("error");
        String code;
        String description;
        if (error instanceof Map<?, ?> nested) {
            code = String.valueOf(nested.get("code"));
            description = nested.get("message") == null ? "" : String.valueOf(nested.get("message"));
        } else if (error != null) {
            code = String.valueOf(error);
            description = json.get("error_description") == null ? "" : String.valueOf(json.get("error_description"));
        } else {
            return "";
        }
        String text = description.isEmpty() ? code : code + ": " + description;
        return " (" + ForeignText.oneLine(text, 200) + ")";
    }

    /** An answer beyond {@link #MAX_ANSWER_BYTES}. */
    private static final class AnswerTooLargeException extends IOException {

        private static final long serialVersionUID = 1L;

        AnswerTooLargeException() {
            super("the answer is larger than " + MAX_ANSWER_BYTES / 1024 + " KiB");
        }
    }

    /** Collects the body as text, and gives up (cancelling the exchange) past a size bound. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<String> {

        private final HttpResponse.BodySubscriber<String> text = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        private final long limit;
        private long received;
        private Flow.Subscription subscription;
        private boolean failed;

        BoundedBody(long limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            text.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (failed) {
                return;
            }
            for (ByteBuffer item : items) {
                received += item.remaining();
            }
            if (received > limit) {
                failed = true;
                subscription.cancel();
                text.onError(new AnswerTooLargeException());
                return;
            }
            text.onNext(items);
        }

        @Override
        public void onError(Throwable error) {
            if (!failed) {
                text.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!failed) {
                text.onComplete();
            }
        }
    }
}
