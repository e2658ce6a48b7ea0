package dev.oidcsso.store;

import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.ResourceType;

import java.util.List;
import java.util.Optional;

/**
 * Which grants to list and which page of them: every filter is applied by the database, so a page
 * costs the same whatever the number of grants it need not read.
 *
 * @param grantee only the grants to this user or group, or empty for all
 * @param type    only grants on resources of this type, or empty for all
 * @param name    only grants on resources of this name, or empty for all
 * @param after   the sort key (type, name, grantee kind, grantee name) of the last grant already
 *                seen, or empty for the first page
 * @param limit   the most grants to return, at least 1
 */
public record GrantQuery(Optional<Grantee> grantee, Optional<ResourceType> type, Optional<String> name,
                         Optional<List<String>> after, int limit) {

    /**
     * Checks the query.
     *
     * @param grantee the grantee filter
     * @param type    the type filter
     * @param name    the name filter
     * @param after   the cursor
     * @param limit   the page size
     */
    public GrantQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        if (after.isPresent() && after.get().size() != 4) {
            throw new IllegalArgumentException("a grant cursor has four parts");
        }
        after = after.map(List::copyOf);
    }
}
