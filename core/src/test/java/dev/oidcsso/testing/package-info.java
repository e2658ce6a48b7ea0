/**
 * Test infrastructure shared by the core's tests and, through the core's test-jar, by every other
 * module: {@link dev.oidcsso.testing.TestProvider}, an in-process OpenID provider that can be told
 * to misbehave in the ways the conformance cases need; {@link dev.oidcsso.testing.Browser}, a
 * cookie-keeping HTTP client that follows redirects only when asked; and
 * {@link dev.oidcsso.testing.MockOAuth2Idp}, a thin wrapper around {@code mock-oauth2-server} for
 * flows against a real third-party provider.
 */
package dev.oidcsso.testing;
