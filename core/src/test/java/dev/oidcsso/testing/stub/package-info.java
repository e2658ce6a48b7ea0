/**
 * IdP-shaped stubs for the provider modules' end-to-end tests: {@link dev.oidcsso.testing.stub.StubIdp}
 * is a minimal OpenID provider whose issuer, discovery path and document, claims and extra endpoints
 * (Graph, the Google Directory API, a hosted-UI logout) a test reshapes to reproduce one IdP's
 * documented behaviour and quirks, such as Entra ID's literal {@code {tenantid}} issuer; it runs on
 * {@link dev.oidcsso.testing.stub.StubHttpServer}, request/response routes over
 * {@link dev.oidcsso.testing.StubServer}. The strict,
 * conformance-oriented provider is {@link dev.oidcsso.testing.TestProvider}; the browser is
 * {@link dev.oidcsso.testing.Browser}.
 */
package dev.oidcsso.testing.stub;
