/**
 * What the framework reports about its own work, for metrics: the {@link dev.oidcsso.observe.SsoEvents}
 * observer, called at a few points of the request path, and its Micrometer implementation
 * {@link dev.oidcsso.observe.MicrometerSsoEvents} (Micrometer is an optional dependency: only an
 * application that uses that class needs it); and {@link dev.oidcsso.observe.LogThrottle}, which bounds
 * the log lines a caller can cause on every request.
 *
 * <p>This package depends on no other package of the framework, so every stage may report to it.
 */
package dev.oidcsso.observe;
