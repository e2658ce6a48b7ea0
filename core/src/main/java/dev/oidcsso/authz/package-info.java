/**
 * Permissions: the levels ({@link dev.oidcsso.authz.PermissionLevel}), the resource types an
 * application declares ({@link dev.oidcsso.authz.ResourceTypes}), grants and regular-expression
 * rules, and the decision ({@link dev.oidcsso.authz.PermissionEvaluator}).
 *
 * <p>This package does not know where grants are kept: it reads them through
 * {@link dev.oidcsso.authz.PermissionData}, which {@code dev.oidcsso.store} implements, so the
 * dependency points from the store to the permission model and never back.
 */
package dev.oidcsso.authz;
