/**
 * Who the signed-in user is and whether they are admitted: built-in identity sources, identity
 * validators and group detectors, claim paths and the role decision.
 */
package dev.oidcsso.identity;
