/**
 * The HTTP surface: the {@link dev.oidcsso.web.OidcSso} façade, its routes, the servlet filter,
 * the JDK HttpServer adapter, and the web UI's static files under {@code /oidc/ui/} (the REST API
 * is in {@code dev.oidcsso.web.api}).
 */
package dev.oidcsso.web;
