package dev.oidcsso.authz;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the permission decision reads. {@code dev.oidcsso.store} implements it with caches so that
 * a warm instance answers without a database round trip.
 */
public interface PermissionData {

    /**
     * Every direct grant on one resource.
     *
     * @param resource the resource
     * @return its grants, empty when there are none
     * @throws dev.oidcsso.OidcSsoException with status 503 when the store cannot answer
     */
    ResourceGrants grantsOn(Resource resource);

    /**
     * Direct grants on several resources at once; implementations load what is missing in one query.
     *
     * @param resources the resources
     * @return a value for every requested resource
     * @throws dev.oidcsso.OidcSsoException with status 503 when the store cannot answer
     */
    default Map<Resource, ResourceGrants> grantsOn(Collection<Resource> resources) {
        Map<Resource, ResourceGrants> result = new LinkedHashMap<>();
        resources.forEach(resource -> result.put(resource, grantsOn(resource)));
        return result;
    }

    /**
     * The direct grants of one caller (its own and its groups') on resources of one type, read by
     * grantee: what a list filter needs, at a cost that follows the caller's grants rather than the
     * number of listed resources. Grants of other users and groups are not read.
     *
     * <p>The default answers empty: the source cannot read by grantee, and the evaluator reads the
     * listed resources' grants through {@link #grantsOn(Collection)} instead, with the same decisions.
     *
     * @param actor the caller (its user name and groups; its admin flag is not looked at)
     * @param type  the resource type
     * @return the caller's grants on resources of the type, or empty when this source cannot say
     * @throws dev.oidcsso.OidcSsoException with status 503 when the store cannot answer
     */
    default Optional<CallerGrants> grantsOf(Actor actor, ResourceType type) {
        return Optional.empty();
    }

    /**
     * Every regular-expression rule for one resource type, for users and groups alike, in
     * {@link RegexRule#ORDER}.
     *
     * @param type the resource type
     * @return the rules, possibly empty
     * @throws dev.oidcsso.OidcSsoException with status 503 when the store cannot answer
     */
    List<RegexRule> rulesFor(ResourceType type);
}
