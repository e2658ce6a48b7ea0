package dev.oidcsso.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.oidcsso.http.QueryString;
import dev.oidcsso.http.WebRequest;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request whose headers, query and body come from a fuzzer, for the fuzz tests of the parsers that
 * read requests. Header names are case-insensitive, as in every server adapter.
 *
 * @param method        the method
 * @param path          the path
 * @param rawQuery      the raw query string
 * @param headers       lower-case header names to their lines
 * @param remoteAddress the peer
 * @param body          the body bytes
 */
public record FuzzedRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, String remoteAddress,
                            byte[] body) implements WebRequest {

    /**
     * Draws a request: each of the given header names gets zero to two lines of fuzzed text.
     *
     * @param data          the fuzzer's data
     * @param remoteAddress the peer
     * @param headerNames   the headers the parser under test reads
     * @return the request
     */
    public static FuzzedRequest draw(FuzzedDataProvider data, String remoteAddress, String... headerNames) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : headerNames) {
            int lines = data.consumeInt(0, 2);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < lines; i++) {
                values.add(data.consumeString(200));
            }
            if (!values.isEmpty()) {
                headers.put(name.toLowerCase(Locale.ROOT), values);
            }
        }
        return new FuzzedRequest("GET", "/", data.consumeString(200), headers, remoteAddress, data.consumeRemainingAsBytes());
    }

    @Override
    public Map<String, String> queryParameters() {
        return QueryString.parse(rawQuery);
    }

    @Override
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public Optional<String> cookie(String name) {
        return Optional.empty();
    }

    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:8080/app");
    }

    @Override
    public byte[] body(int maxBytes) {
        return WebRequest.readLimited(new java.io.ByteArrayInputStream(body), maxBytes);
    }
}
