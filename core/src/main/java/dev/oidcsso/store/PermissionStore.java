package dev.oidcsso.store;

import dev.oidcsso.authz.Grant;
import dev.oidcsso.authz.Grantee;
import dev.oidcsso.authz.PermissionData;
import dev.oidcsso.authz.PermissionLevel;
import dev.oidcsso.authz.RegexRule;
import dev.oidcsso.authz.Resource;
import dev.oidcsso.authz.ResourceType;

import java.util.List;
import java.util.Optional;

/**
 * Grants, regular-expression rules and resource creators. The read side
 * ({@link PermissionData}) is cached; every change is logged so other replicas drop their cached
 * copy within a poll interval. Every method may throw {@link StoreUnavailableException}; methods
 * taking a pattern throw {@link dev.oidcsso.authz.PermissionInputException} (400) for a bad one.
 */
public interface PermissionStore extends PermissionData {

    /**
     * Grants a level on one resource, replacing the grantee's previous level there.
     *
     * @param grant the grant
     */
    void grant(Grant grant);

    /**
     * Removes a grantee's grant on one resource.
     *
     * @param grantee  the user or group
     * @param resource the resource
     * @return false when there was no such grant
     */
    boolean revoke(Grantee grantee, Resource resource);

    /**
     * Every grant to one user or group, by resource.
     *
     * @param grantee the user or group
     * @return the grants
     */
    List<Grant> grantsTo(Grantee grantee);

    /**
     * Every grant on resources of one type, by resource then grantee.
     *
     * @param type the resource type
     * @return the grants
     */
    List<Grant> grants(ResourceType type);

    /**
     * One page of grants, filtered and paged by the database, by resource type, resource name,
     * grantee kind and grantee name. A query naming one resource is an indexed lookup.
     *
     * @param query the filters and the page
     * @return the page; its cursor is the last grant's sort key
     */
    Page<Grant> grants(GrantQuery query);

    /**
     * Adds a regular-expression rule.
     *
     * @param grantee  the user or group
     * @param type     the resource type it applies to
     * @param pattern  the pattern, matched against whole names (RE2 syntax, at most 512 characters)
     * @param level    the level granted on a match
     * @param priority lower numbers are tried first
     * @return the stored rule with its id
     */
    RegexRule addRule(Grantee grantee, ResourceType type, String pattern, PermissionLevel level, int priority);

    /**
     * Changes a rule's pattern, level and priority.
     *
     * @param id       the rule's id
     * @param pattern  the new pattern
     * @param level    the new level
     * @param priority the new priority
     * @return the changed rule, or empty when there is no such rule
     */
    Optional<RegexRule> updateRule(long id, String pattern, PermissionLevel level, int priority);

    /**
     * Deletes a rule.
     *
     * @param id the rule's id
     * @return false when there was no such rule
     */
    boolean deleteRule(long id);

    /**
     * Every rule, by type, priority and id; kept in memory (compiled) until a rule changes, so
     * listing the rules reads no table and compiles no pattern.
     *
     * @return the rules
     */
    List<RegexRule> rules();

    /**
     * Records that a user created a resource, and gives that user {@link PermissionLevel#MANAGE} on
     * it (a user grant, so an administrator can later change it like any other).
     *
     * @param resource the new resource
     * @param creator  the creating user's name
     */
    void recordCreation(Resource resource, String creator);

    /**
     * Forgets a deleted resource: its grants and its creator, so a new resource of the same name
     * starts clean.
     *
     * @param resource the deleted resource
     */
    void forgetResource(Resource resource);
}
