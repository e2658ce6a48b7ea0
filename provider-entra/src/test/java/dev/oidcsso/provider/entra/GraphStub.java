package dev.oidcsso.provider.entra;

import dev.oidcsso.testing.stub.StubHttpServer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Graph's {@code /me/transitiveMemberOf/microsoft.graph.group} on a stub server, as Graph
 * answers it: an OData cast is an advanced query, so a request without {@code ConsistencyLevel:
 * eventual} and {@code $count=true} is refused with 400 {@code Request_UnsupportedQuery}; the answer
 * carries {@code @odata.count}, each entry its {@code @odata.type}, and pages of at most
 * {@code pageSize} entries linked by an absolute {@code @odata.nextLink} with a {@code $skiptoken},
 * whatever {@code $top} asked for; a group reached through several nested groups can appear on more
 * than one page.
 */
final class GraphStub {

    static final String PATH = "/v1.0/me/transitiveMemberOf/microsoft.graph.group";

    private GraphStub() {
    }

    static String groupId(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    /**
     * Serves the groups to requests bearing {@code token}.
     *
     * @param server   the server
     * @param token    the access token Graph accepts
     * @param groups   the listing, duplicates included, in order
     * @param pageSize groups per page
     */
    static void serve(StubHttpServer server, String token, List<Map<String, Object>> groups, int pageSize) {
        server.route("GET", PATH, request -> {
            if (request.bearer().filter(token::equals).isEmpty()) {
                return StubHttpServer.Response.json(401, Map.of("error", Map.of("code", "InvalidAuthenticationToken",
                        "message", "Access token validation failure.")));
            }
            if (!request.header("ConsistencyLevel").filter("eventual"::equalsIgnoreCase).isPresent()
                    || !"true".equals(request.query().get("$count"))) {
                return StubHttpServer.Response.json(400, Map.of("error", Map.of("code", "Request_UnsupportedQuery",
                        "message", "Unsupported Query.")));
            }
            int page = Integer.parseInt(request.query().getOrDefault("$skiptoken", "0"));
            int from = page * pageSize;
            List<Map<String, Object>> value = new ArrayList<>(groups.subList(Math.min(from, groups.size()),
                    Math.min(from + pageSize, groups.size())));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#groups(id,displayName)");
            body.put("@odata.count", groups.size());
            if (from + pageSize < groups.size()) {
                body.put("@odata.nextLink", server.base() + PATH
                        + "?$count=true&$select=id,displayName&$top=999&$skiptoken=" + (page + 1));
            }
            body.put("value", value);
            return StubHttpServer.Response.json(body);
        });
    }

    /** {@code count} groups named {@code group-<i>}, plus every tenth listed a second time on a later page. */
    static List<Map<String, Object>> manyGroupsWithDuplicates(int count) {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            groups.add(group(groupId(i), "group-" + i));
            if (i % 10 == 5 && i > 120) {
                groups.add(group(groupId(i - 100), "group-" + (i - 100)));
            }
        }
        return groups;
    }

    static Map<String, Object> group(String id, String name) {
        return entry("#microsoft.graph.group", id, name);
    }

    /**
     * A directory object of any type, as an entry of a listing.
     *
     * @param type for example {@code #microsoft.graph.administrativeUnit}
     * @param id   the object ID
     * @param name the display name
     * @return the entry
     */
    static Map<String, Object> entry(String type, String id, String name) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("@odata.type", type);
        entry.put("id", id);
        entry.put("displayName", name);
        return entry;
    }
}
