/**
 * Test infrastructure shared by the core's tests and, through the core's test-jar, by every other
 * module (store-jdbc, the providers, the examples): {@link dev.oidcsso.testing.TestProvider}, an
 * in-process OpenID provider that can be told to misbehave in the ways the conformance cases need;
 * {@link dev.oidcsso.testing.Browser}, a cookie-keeping HTTP client ({@link dev.oidcsso.testing.CookieJar})
 * that follows redirects only when asked and submits {@link dev.oidcsso.testing.HtmlForm}s;
 * {@link dev.oidcsso.testing.MutableClock}, the one clock tests move by hand;
 * {@link dev.oidcsso.testing.Poll}, the one way to wait for what another thread or replica does; and
 * {@link dev.oidcsso.testing.MockOAuth2Idp}, a thin wrapper around {@code mock-oauth2-server} for
 * flows against a real third-party provider.
 */
package dev.oidcsso.testing;
