/**
 * The server-neutral HTTP exchange: {@link dev.oidcsso.http.WebRequest},
 * {@link dev.oidcsso.http.WebResponse} and {@link dev.oidcsso.http.Cookie}, which the servlet
 * filter and the JDK HttpServer adapter translate to and from their own types.
 */
package dev.oidcsso.http;
