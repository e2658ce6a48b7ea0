package dev.oidcsso.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A small browser for tests: a {@link HttpClient} with a {@link CookieJar}, which never follows a
 * redirect by itself so a test can look at every hop, and follows them on request with {@link
 * #follow(HttpResponse)} across hosts (the application and the provider).
 *
 * <pre>{@code
 * Browser browser = new Browser();
 * Browser.Navigation login = browser.navigate(app + "/login");
 * assertEquals(200, login.last().statusCode());
 * Cookie session = browser.cookies().get("oidc_session").orElseThrow();
 * }</pre>
 *
 * <p>Network failures surface as {@link UncheckedIOException}, so tests need no {@code throws}.
 */
public final class Browser {

    /** How many redirects {@link #follow(HttpResponse)} follows before giving up. */
    public static final int DEFAULT_MAX_REDIRECTS = 10;

    /** What a desktop browser's address bar asks for: the {@code Accept} of {@link #forPages()}. */
    public static final String PAGE_ACCEPT = "text/html,application/xhtml+xml";
    /** The header in which the application's page script echoes the CSRF cookie. */
    static final String CSRF_HEADER = "X-OIDC-SSO-CSRF";
    /** The CSRF cookie of a session, echoed by {@link #sendJson(String, String, String, String)}. */
    static final String CSRF_COOKIE = "oidc_sso_csrf";

    private final HttpClient client;
    private final CookieJar cookies;
    private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
    /** Sent as {@code Accept} when a request names none; null for none. */
    private final String pageAccept;

    /** A browser on the system clock that keeps {@code Secure} cookies for https only. */
    public Browser() {
        this(Clock.systemUTC(), false);
    }

    private Browser(HttpClient.Builder client, String pageAccept) {
        this.cookies = new CookieJar(Clock.systemUTC(), false);
        this.client = client.followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        this.pageAccept = pageAccept;
    }

    /**
     * A browser that asks for HTML ({@link #PAGE_ACCEPT}) whenever a request names no {@code Accept}
     * of its own, as a person at a desktop browser does; {@link #getJson(String)} and
     * {@link #sendJson(String, String, String, String)} still ask for JSON.
     *
     * @return a new browser on the system clock
     */
    public static Browser forPages() {
        return new Browser(HttpClient.newBuilder(), PAGE_ACCEPT);
    }

    /**
     * A page browser ({@link #forPages()}) that trusts what {@code tls} trusts, such as a test's
     * self-signed certificate, and speaks HTTP/1.1, as a reverse proxy usually does to a browser.
     *
     * @param tls the TLS context
     * @return a new browser on the system clock
     */
    public static Browser forPages(SSLContext tls) {
        return new Browser(HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1), PAGE_ACCEPT);
    }

    /**
     * A browser with its own clock for cookie expiry.
     *
     * @param clock decides when cookies expire
     * @param loopbackIsSecure treat http to 127.0.0.1 and localhost as secure, as desktop browsers
     *     do, so {@code Secure} cookies work against a local server without TLS
     */
    public Browser(Clock clock, boolean loopbackIsSecure) {
        this.cookies = new CookieJar(clock, loopbackIsSecure);
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.pageAccept = null;
    }

    /**
     * The cookie jar, to read, plant, replace or remove cookies.
     *
     * @return the jar
     */
    public CookieJar cookies() {
        return cookies;
    }

    /**
     * Adds a header to every later request (including followed redirects), for example a
     * {@code X-Forwarded-Proto}.
     *
     * @param name the header name
     * @param value the header value
     * @return this browser
     */
    public synchronized Browser defaultHeader(String name, String value) {
        defaultHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Copies every cookie of this browser into another, to replay a session from a second client.
     *
     * @param other the browser that receives the copies
     */
    public void copyCookiesTo(Browser other) {
        cookies.all().forEach(other.cookies::put);
    }

    /**
     * Sends a GET, without following a redirect.
     *
     * @param url the URL
     * @return the response
     */
    public HttpResponse<String> get(String url) {
        return get(url, Map.of());
    }

    /**
     * Sends a GET with extra headers, without following a redirect.
     *
     * @param url the URL
     * @param headers extra headers, for example {@code Authorization}
     * @return the response
     */
    public HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    /**
     * Sends a url-encoded form with POST, without following a redirect.
     *
     * @param url the URL
     * @param form the form fields
     * @return the response
     */
    public HttpResponse<String> post(String url, Map<String, String> form) {
        return post(url, form, Map.of());
    }

    /**
     * Sends a url-encoded form with POST and extra headers, without following a redirect.
     *
     * @param url the URL
     * @param form the form fields
     * @param headers extra headers, for example {@code Origin}
     * @return the response
     */
    public HttpResponse<String> post(String url, Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(TestProvider.formEncode(form), StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return send(request);
    }

    /**
     * Sends a GET as an API client does ({@code Accept: application/json}), without following a
     * redirect.
     *
     * @param url the URL
     * @return the response
     */
    public HttpResponse<String> getJson(String url) {
        return get(url, Map.of("Accept", "application/json"));
    }

    /**
     * Sends a JSON request as the application's own page script does: {@code Accept:
     * application/json}, and the session's CSRF cookie echoed in {@code X-OIDC-SSO-CSRF}.
     *
     * @param method the method, for example {@code POST}
     * @param url the URL
     * @param contentType the {@code Content-Type}, or null for none
     * @param body the body, or null for none
     * @return the response
     */
    public HttpResponse<String> sendJson(String method, String url, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        cookies.get(CSRF_COOKIE).ifPresent(csrf -> request.header(CSRF_HEADER, csrf.value()));
        return send(request);
    }

    /**
     * Sends a JSON body ({@code Content-Type: application/json}) as the page script does.
     *
     * @param method the method, for example {@code PATCH}
     * @param url the URL
     * @param body the JSON body, or null for none
     * @return the response
     */
    public HttpResponse<String> sendJson(String method, String url, String body) {
        return sendJson(method, url, "application/json", body);
    }

    /**
     * Signs out as a user does: {@code GET /logout} shows a page whose <em>Sign out</em> button POSTs
     * the session's CSRF token; the POST's answer is returned, its redirect not followed.
     *
     * @param baseUrl the application's base URL, without a trailing slash
     * @return the answer to the sign-out POST
     */
    public HttpResponse<String> signOut(String baseUrl) {
        HttpResponse<String> page = get(baseUrl + "/logout", Map.of("Accept", "text/html"));
        HtmlForm form = HtmlForm.parse(page, "confirm");
        return post(form.action().toString(), form.fields(), Map.of("Accept", "text/html"));
    }

    /**
     * The login-state cookie of the login started last (each login keeps its own, named
     * {@code oidc_sso_login_} and 8 characters derived from its state).
     *
     * @return the cookie
     */
    public Optional<Cookie> lastLoginCookie() {
        List<Cookie> started = cookies.all().stream().filter(c -> c.name().contains("oidc_sso_login_")).toList();
        return started.isEmpty() ? Optional.empty() : Optional.of(started.get(started.size() - 1));
    }

    /**
     * Submits an HTML form the way a browser does (POST, url-encoded, to its action) and follows the
     * redirects.
     *
     * @param form the form, with the values to send
     * @return every response on the way
     */
    public Navigation submit(HtmlForm form) {
        return follow(post(form.action().toString(), form.fields(), Map.of("Accept", "text/html")));
    }

    /**
     * Sends any request: adds the default headers and the cookies that apply (after any
     * {@code Cookie} header of the request itself), stores the cookies
     * the response sets, and does not follow a redirect.
     *
     * @param request the request, with its method, body and own headers
     * @return the response, body as text
     */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        Map<String, String> defaults;
        synchronized (this) {
            defaults = Map.copyOf(defaultHeaders);
        }
        defaults.forEach(request::setHeader);
        HttpRequest built = request.build();
        if (pageAccept != null && built.headers().firstValue("Accept").isEmpty()) {
            built = HttpRequest.newBuilder(built, (name, value) -> true).header("Accept", pageAccept).build();
        }
        HttpRequest.Builder withCookies = HttpRequest.newBuilder(built, (name, value) -> !name.equalsIgnoreCase("Cookie"));
        // A Cookie header the test set itself (say, another system's cookie) goes along with the jar's.
        List<String> cookieHeader = new ArrayList<>(built.headers().allValues("Cookie"));
        cookies.header(built.uri()).ifPresent(cookieHeader::add);
        if (!cookieHeader.isEmpty()) {
            withCookies.header("Cookie", String.join("; ", cookieHeader));
        }
        HttpRequest finalRequest = withCookies.build();
        try {
            HttpResponse<String> response = client.send(finalRequest, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            cookies.receive(finalRequest.uri(), response.headers().allValues("Set-Cookie"));
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(finalRequest.method() + " " + finalRequest.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + finalRequest.method() + " " + finalRequest.uri(), e);
        }
    }

    /**
     * GETs a URL and follows its redirects, like typing it in the address bar.
     *
     * @param url the URL
     * @return every response on the way, the last one not a redirect
     */
    public Navigation navigate(String url) {
        return follow(get(url));
    }

    /**
     * Follows redirects from a response, up to {@link #DEFAULT_MAX_REDIRECTS}.
     *
     * @param response the response to start from (returned as the first of the chain)
     * @return every response on the way
     */
    public Navigation follow(HttpResponse<String> response) {
        return follow(response, DEFAULT_MAX_REDIRECTS);
    }

    /**
     * Follows redirects from a response, across hosts, the way a browser does: 301, 302 and 303
     * become a GET without body; 307 and 308 repeat the method and body. Only the browser's default
     * headers and cookies go along, never the first request's own headers.
     *
     * @param response the response to start from (returned as the first of the chain)
     * @param maxRedirects how many redirects to follow at most
     * @return every response on the way
     * @throws IllegalStateException when the last response is still a redirect after {@code maxRedirects}
     */
    public Navigation follow(HttpResponse<String> response, int maxRedirects) {
        List<HttpResponse<String>> chain = new ArrayList<>();
        chain.add(response);
        HttpResponse<String> current = response;
        for (int hops = 0; isRedirect(current); hops++) {
            if (hops == maxRedirects) {
                throw new IllegalStateException("more than " + maxRedirects + " redirects: " + new Navigation(chain));
            }
            Optional<String> location = current.headers().firstValue("Location");
            if (location.isEmpty()) {
                break;
            }
            URI next = current.uri().resolve(location.get());
            HttpRequest previous = current.request();
            HttpRequest.Builder request = HttpRequest.newBuilder(next);
            int status = current.statusCode();
            if ((status == 307 || status == 308) && previous.bodyPublisher().isPresent()) {
                request.method(previous.method(), previous.bodyPublisher().get());
                previous.headers().firstValue("Content-Type").ifPresent(type -> request.header("Content-Type", type));
            } else {
                request.GET();
            }
            current = send(request);
            chain.add(current);
        }
        return new Navigation(chain);
    }

    /**
     * An {@code Authorization} header value for HTTP Basic (RFC 7617, UTF-8). Client credentials at a
     * token endpoint are, strictly, form-urlencoded first (RFC 6749 2.3.1); that changes nothing for
     * ids and secrets made of unreserved characters.
     *
     * @param user the user name or client id
     * @param password the password, access token or client secret
     * @return {@code Basic <base64(user:password)>}
     */
    public static String basicAuthorization(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether a response is a redirect with a {@code Location}.
     *
     * @param response the response
     * @return true for 301, 302, 303, 307 and 308 with a Location header
     */
    public static boolean isRedirect(HttpResponse<?> response) {
        int status = response.statusCode();
        return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                && response.headers().firstValue("Location").isPresent();
    }

    /**
     * The responses of one navigation, first to last.
     *
     * @param chain the responses in order; the last is the page the browser shows
     */
    public record Navigation(List<HttpResponse<String>> chain) {

        /**
         * Copies the chain.
         *
         * @param chain the responses in order
         */
        public Navigation {
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a navigation has at least one response");
            }
            chain = List.copyOf(chain);
        }

        /**
         * The final response.
         *
         * @return the last response
         */
        public HttpResponse<String> last() {
            return chain.get(chain.size() - 1);
        }

        /**
         * The final response's status.
         *
         * @return its status code
         */
        public int statusCode() {
            return last().statusCode();
        }

        /**
         * The final response's body.
         *
         * @return its body
         */
        public String body() {
            return last().body();
        }

        /**
         * The URIs requested, in order.
         *
         * @return one URI per response
         */
        public List<URI> uris() {
            return chain.stream().map(HttpResponse::uri).toList();
        }

        /**
         * The first response whose URI starts with a prefix, for example the callback hop.
         *
         * @param uriPrefix the start of the URI, for example {@code app + "/callback"}
         * @return that response, if the navigation passed there
         */
        public Optional<HttpResponse<String>> hop(String uriPrefix) {
            return chain.stream().filter(r -> r.uri().toString().startsWith(uriPrefix)).findFirst();
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("Navigation[");
            for (HttpResponse<String> response : chain) {
                out.append("\n  ").append(response.request().method()).append(' ').append(response.uri())
                        .append(" -> ").append(response.statusCode());
                response.headers().firstValue("Location").ifPresent(l -> out.append(" Location: ").append(l));
            }
            return out.append("\n]").toString();
        }
    }
}
