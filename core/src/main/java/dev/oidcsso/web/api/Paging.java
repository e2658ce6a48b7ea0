package dev.oidcsso.web.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.store.Page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paging of every admin list: {@code ?limit=} (default {@value #DEFAULT_LIMIT}, at most
 * {@value #MAX_LIMIT}) and {@code ?cursor=} taken from the previous page's {@code next} link. A
 * cursor is opaque to clients: base64url of the last item's sort key, which the store continues
 * after (keyset paging), so a page costs the same however deep it is.
 *
 * @param limit the page size
 * @param after the decoded cursor, or empty for the first page
 */
record Paging(int limit, Optional<List<String>> after) {

    /** The page size when the client gives none: a page of users stays well under 100 KB. */
    static final int DEFAULT_LIMIT = 100;
    /** The largest page: bounds the answer (under 1 MB for every list) and the server's memory. */
    static final int MAX_LIMIT = 1000;

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    /**
     * Reads {@code limit} and {@code cursor} from a request.
     *
     * @param request the request
     * @param parts   how many parts this list's cursor has
     * @return the paging
     */
    static Paging of(WebRequest request, int parts) {
        int limit = request.queryParameter("limit").map(Paging::limit).orElse(DEFAULT_LIMIT);
        Optional<List<String>> after = request.queryParameter("cursor").map(cursor -> decode(cursor, parts));
        return new Paging(limit, after);
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    private static List<String> decode(String cursor, int parts) {
        try {
            List<String> key = JsonBody.MAPPER.readValue(Base64.getUrlDecoder().decode(cursor), STRINGS);
            if (key != null && key.size() == parts && key.stream().allMatch(part -> part != null)) {
                return key;
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            // answered below
        }
        throw ApiException.badRequest("'cursor' is not one this API gave out; start again without it.");
    }

    /** The first part of the cursor, for lists keyed by one name. */
    Optional<String> afterName() {
        return after.map(key -> key.get(0));
    }

    /**
     * The JSON answer of one page: the items under {@code field}, and {@code next}, the link to the
     * next page (the same query with the next cursor), or null on the last page.
     *
     * @param field   the list's field name
     * @param items   the page's items as JSON values
     * @param page    the store's page, for its cursor
     * @param path    the route, e.g. {@code /oidc/api/users}
     * @param request the request, whose filters the link keeps
     * @return the JSON object
     */
    Map<String, Object> json(String field, List<?> items, Page<?> page, String path, WebRequest request) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(field, items);
        json.put("next", page.next().map(key -> link(path, request, key)).orElse(null));
        return json;
    }

    private String link(String path, WebRequest request, List<String> key) {
        StringBuilder link = new StringBuilder(path).append('?');
        for (Map.Entry<String, String> parameter : new java.util.TreeMap<>(request.queryParameters()).entrySet()) {
            if (!parameter.getKey().equals("cursor") && !parameter.getKey().equals("limit")) {
                link.append(encode(parameter.getKey())).append('=').append(encode(parameter.getValue())).append('&');
            }
        }
        return link.append("limit=").append(limit).append("&cursor=").append(encode(key)).toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String encode(List<String> key) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JsonBody.MAPPER.writeValueAsBytes(key));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
        }
    }
}
