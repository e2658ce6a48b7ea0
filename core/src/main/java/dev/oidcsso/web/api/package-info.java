/**
 * The REST API under {@code /oidc/api/}: who am I and my personal access token for every user;
 * users, groups, grants and regular-expression rules for administrators; the effective permission
 * and its basis. JSON in and out; see {@code docs/api-clients.md} for the reference.
 * {@link dev.oidcsso.web.OidcSso} authenticates each request and checks CSRF before
 * {@link dev.oidcsso.web.api.RestApi} sees it.
 */
package dev.oidcsso.web.api;
