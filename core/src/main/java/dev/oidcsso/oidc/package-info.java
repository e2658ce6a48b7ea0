/**
 * The OpenID Connect relying party: discovery, keys, the Authorization Code Flow with PKCE, token
 * validation, UserInfo and logout URLs.
 */
package dev.oidcsso.oidc;
