package dev.oidcsso.demo;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser stand-in for tests: a cookie jar, redirects followed by hand (so every hop can be
 * inspected), and HTML forms submitted the way a browser submits them.
 */
final class Browser {

    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;

    /** A browser that trusts the JDK's default certificate authorities. */
    Browser() {
        this(HttpClient.newBuilder());
    }

    /**
     * A browser that trusts what {@code tls} trusts, such as a test's self-signed certificate.
     *
     * @param tls the TLS context
     */
    Browser(SSLContext tls) {
        // HTTP/1.1, as a reverse proxy usually speaks to the browser in these tests.
        this(HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1));
    }

    private Browser(HttpClient.Builder builder) {
        http = builder.cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A GET as a browser sends it (asks for HTML). */
    HttpResponse<String> get(String url) {
        return get(url, Map.of());
    }

    /** A GET as a browser sends it, with extra headers (which may replace {@code Accept}). */
    HttpResponse<String> get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (!headers.containsKey("Accept")) {
            request.header("Accept", "text/html,application/xhtml+xml");
        }
        headers.forEach(request::header);
        return send(request);
    }

    /** A GET as an API client sends it. */
    HttpResponse<String> getJson(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json").GET());
    }

    /** A request with a body, as an API client sends it. */
    HttpResponse<String> sendJson(String method, String url, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        // What the application's own page script does: echo the session's CSRF cookie in the header.
        cookie("oidc_sso_csrf").ifPresent(csrf -> request.header("X-OIDC-SSO-CSRF", csrf.getValue()));
        return send(request);
    }

    HttpResponse<String> sendJson(String method, String url, String body) {
        return sendJson(method, url, "application/json", body);
    }

    /** Follows redirects from a GET of {@code url}, returning every response in order. */
    List<HttpResponse<String>> follow(String url) {
        return followFrom(get(url));
    }

    /** The final response after following redirects from {@code url}. */
    HttpResponse<String> last(String url) {
        List<HttpResponse<String>> chain = follow(url);
        return chain.get(chain.size() - 1);
    }

    /** Submits a form (POST, urlencoded, to its action or the page's own URL) and follows the redirects. */
    List<HttpResponse<String>> submit(Form form) {
        String body = form.fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(form.action)
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        return followFrom(response);
    }

    Optional<HttpCookie> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    private List<HttpResponse<String>> followFrom(HttpResponse<String> first) {
        List<HttpResponse<String>> chain = new ArrayList<>();
        HttpResponse<String> response = first;
        for (int i = 0; i < 10; i++) {
            chain.add(response);
            Optional<String> location = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || location.isEmpty()) {
                return chain;
            }
            response = get(response.uri().resolve(location.get()).toString());
        }
        throw new AssertionError("too many redirects: " + chain.stream().map(HttpResponse::uri).toList());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One HTML form of a page, with the values a browser would submit. */
    static final class Form {

        private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z-]+)\\s*=\\s*\"([^\"]*)\"");
        private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
        private static final Pattern SELECT = Pattern.compile("<select\\b([^>]*)>(.*?)</select>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        private static final Pattern OPTION = Pattern.compile("<option\\b([^>]*)>(.*?)</option>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

        final URI action;
        final Map<String, String> fields = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> options = new LinkedHashMap<>();

        private Form(URI action) {
            this.action = action;
        }

        /** Finds the form with the given id on a page. */
        static Form parse(HttpResponse<String> page, String id) {
            Matcher form = Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(page.body());
            while (form.find()) {
                Map<String, String> attributes = attributes(form.group(1));
                if (id.equals(attributes.get("id"))) {
                    String action = attributes.get("action");
                    Form result = new Form(action == null || action.isEmpty() ? page.uri() : page.uri().resolve(action));
                    result.read(form.group(2));
                    return result;
                }
            }
            throw new AssertionError("no form with id '" + id + "' on " + page.uri() + ":\n" + page.body());
        }

        /** Types into a text field. */
        Form set(String name, String value) {
            fields.put(name, value);
            return this;
        }

        /** Picks the option of a select whose visible label starts with {@code label}. */
        Form choose(String select, String label) {
            String value = options.getOrDefault(select, Map.of()).entrySet().stream()
                    .filter(e -> e.getKey().startsWith(label)).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new AssertionError("no option '" + label + "' in " + options.get(select)));
            fields.put(select, value);
            return this;
        }

        private void read(String html) {
            Matcher input = INPUT.matcher(html);
            while (input.find()) {
                Map<String, String> attributes = attributes(input.group(1));
                if (attributes.containsKey("name")) {
                    fields.put(attributes.get("name"), attributes.getOrDefault("value", ""));
                }
            }
            Matcher select = SELECT.matcher(html);
            while (select.find()) {
                String name = attributes(select.group(1)).get("name");
                Map<String, String> byLabel = new LinkedHashMap<>();
                String chosen = null;
                Matcher option = OPTION.matcher(select.group(2));
                while (option.find()) {
                    Map<String, String> attributes = attributes(option.group(1));
                    String value = attributes.get("value");
                    byLabel.put(unescape(option.group(2).replaceAll("<[^>]*>", "").strip()), value);
                    // Like a browser: the first option unless one is marked selected.
                    if (chosen == null || option.group(1).contains(" selected")) {
                        chosen = value;
                    }
                }
                options.put(name, byLabel);
                fields.put(name, chosen);
            }
        }

        private static Map<String, String> attributes(String text) {
            Map<String, String> attributes = new LinkedHashMap<>();
            Matcher matcher = ATTRIBUTE.matcher(text);
            while (matcher.find()) {
                attributes.put(matcher.group(1).toLowerCase(java.util.Locale.ROOT), unescape(matcher.group(2)));
            }
            return attributes;
        }

        private static String unescape(String html) {
            return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        }
    }
}
