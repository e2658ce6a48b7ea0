/**
 * The HTTP surface: the {@link dev.oidcsso.web.OidcSso} façade, its routes, the servlet filter and
 * the JDK HttpServer adapter.
 */
package dev.oidcsso.web;
