/**
 * The group detection plugin contract: {@link dev.oidcsso.groups.GroupDetector}, the per-login
 * {@link dev.oidcsso.groups.GroupDetectionContext} and {@link dev.oidcsso.groups.GroupDetectionException}.
 */
package dev.oidcsso.groups;
