/**
 * Helpers that provider modules share and applications do not need: JSON over HTTP to an IdP's
 * APIs, PEM keys, the JWT-bearer grant for service accounts, claim values, host-or-URL settings.
 * Exported to the provider modules only, so they are no part of the application developer's API.
 */
package dev.oidcsso.spi.support;
