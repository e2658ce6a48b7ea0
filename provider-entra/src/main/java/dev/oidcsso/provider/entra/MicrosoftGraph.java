package dev.oidcsso.provider.entra;

import dev.oidcsso.spi.support.JsonHttpException;
import dev.oidcsso.spi.support.JsonHttp;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the signed-in user's groups from Microsoft Graph with the user's own (delegated) access
 * token: {@code GET /me/transitiveMemberOf/microsoft.graph.group?$count=true} with
 * {@code ConsistencyLevel: eventual}, the form Microsoft documents for an OData cast (an advanced
 * query), following {@code @odata.nextLink} page by page and keeping only entries whose
 * {@code @odata.type} is {@code #microsoft.graph.group}, so that neither a directory role nor an
 * administrative unit can count as a group. Immutable and thread-safe.
 */
public final class MicrosoftGraph {

    /** The only {@code @odata.type} kept: the cast asks for groups, and nothing else may pass as one. */
    static final String GROUP_TYPE = "#microsoft.graph.group";

    /** Graph answers an OData cast only as an advanced query: with this header and {@code $count=true}. */
    private static final Map<String, String> ADVANCED_QUERY = Map.of("ConsistencyLevel", "eventual");

    /** Enough for 500 pages of up to 999 groups; a guard against a server that never stops paging. */
    private static final int MAX_PAGES = 500;

    private final JsonHttp http;
    private final URI baseUrl;

    /**
     * Creates the client.
     *
     * @param http    the HTTP client
     * @param baseUrl the Graph base URL, for example {@code https://graph.microsoft.com/v1.0}
     */
    public MicrosoftGraph(JsonHttp http, URI baseUrl) {
        this.http = Objects.requireNonNull(http, "http");
        String text = baseUrl.toString();
        this.baseUrl = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /**
     * One group.
     *
     * @param id          the object ID
     * @param displayName the display name, or the ID when the group has none
     */
    public record Group(String id, String displayName) {
    }

    /**
     * Every group the user belongs to, directly or through nested groups, each once.
     *
     * @param accessToken a delegated Graph access token of the user ({@code GroupMember.Read.All});
     *                    never logged
     * @return the groups, in the order Graph listed them
     * @throws JsonHttpException when Graph refuses or cannot be reached
     * @throws IllegalStateException when Graph pages to another host or never stops paging
     */
    public List<Group> transitiveGroups(String accessToken) {
        Map<String, Group> byId = new LinkedHashMap<>();
        Set<String> seenPages = new HashSet<>();
        URI next = URI.create(baseUrl + "/me/transitiveMemberOf/microsoft.graph.group?$count=true&$select=id,displayName&$top=999");
        for (int page = 0; next != null; page++) {
            if (page >= MAX_PAGES || !seenPages.add(next.toString())) {
                throw new IllegalStateException("Microsoft Graph kept paging the user's groups beyond " + page + " pages");
            }
            Map<String, Object> body = http.getWithBearer(next, accessToken, ADVANCED_QUERY);
            if (body.get("value") instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> group && GROUP_TYPE.equals(group.get("@odata.type"))
                            && group.get("id") instanceof String id) {
                        String name = group.get("displayName") instanceof String text && !text.isEmpty() ? text : id;
                        byId.putIfAbsent(id.toLowerCase(java.util.Locale.ROOT), new Group(id, name));
                    }
                }
            }
            next = body.get("@odata.nextLink") instanceof String link ? checkedNextLink(link) : null;
        }
        return new ArrayList<>(byId.values());
    }

    /** The user's token goes only to the Graph host it was configured for, whatever a page says. */
    private URI checkedNextLink(String link) {
        URI uri = URI.create(link);
        if (!Objects.equals(uri.getScheme(), baseUrl.getScheme())
                || !Objects.equals(uri.getRawAuthority(), baseUrl.getRawAuthority())) {
            throw new IllegalStateException("Microsoft Graph's @odata.nextLink points to another host ("
                    + uri.getHost() + "); refusing to send the user's token there");
        }
        return uri;
    }
}
