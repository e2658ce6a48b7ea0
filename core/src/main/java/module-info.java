/**
 * oidc-sso's core: OpenID Connect single sign-on, group-based roles and resource permissions in
 * front of a Java web application.
 *
 * <p>The application developer's surface is small: the façade and its adapters
 * ({@code dev.oidcsso.web}: {@code OidcSso}, {@code OidcSsoFilter}, {@code OidcSsoHttpFilter}), the
 * settings ({@code dev.oidcsso.config}), the principal ({@code dev.oidcsso.auth}), the permission
 * check ({@code dev.oidcsso.authz}), the store contract ({@code dev.oidcsso.store}), the server-neutral
 * request ({@code dev.oidcsso.http}) and metrics ({@code dev.oidcsso.observe}). Provider modules
 * implement the service interfaces of {@code dev.oidcsso.spi} and get a small helper package,
 * {@code dev.oidcsso.spi.support}, that nobody else sees. Everything else (the login service,
 * sessions, token validation, identity, sealing, plugin discovery) is internal.
 */
module dev.oidcsso.core {
    requires transitive dev.oidcsso.groups;
    // Types of these appear in the SPI (claims sets, provider metadata) and the HTTP adapters.
    requires transitive com.nimbusds.jose.jwt;
    requires transitive oauth2.oidc.sdk;
    requires transitive jdk.httpserver;
    requires static jakarta.servlet;
    requires java.net.http;
    requires json.smart;
    requires com.fasterxml.jackson.databind;
    requires jmespath.core;
    requires jmespath.jackson;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires re2j;
    // Optional: only MicrometerSsoEvents needs it, and only applications that record metrics bring it.
    requires static micrometer.core;
    requires static com.google.auto.service;

    exports dev.oidcsso;
    exports dev.oidcsso.auth;
    exports dev.oidcsso.authz;
    exports dev.oidcsso.config;
    exports dev.oidcsso.http;
    exports dev.oidcsso.observe;
    exports dev.oidcsso.spi;
    exports dev.oidcsso.store;
    exports dev.oidcsso.web;
    exports dev.oidcsso.spi.support to
            dev.oidcsso.provider.okta, dev.oidcsso.provider.google, dev.oidcsso.provider.cognito, dev.oidcsso.provider.entra;
    // The store contract names the replay guard and the session store, and a provider may refuse a
    // token with the framework's own exception.
    exports dev.oidcsso.oidc to
            dev.oidcsso.store.jdbc, dev.oidcsso.provider.okta, dev.oidcsso.provider.google, dev.oidcsso.provider.cognito,
            dev.oidcsso.provider.entra;
    exports dev.oidcsso.session to dev.oidcsso.store.jdbc;

    uses dev.oidcsso.spi.ProviderProfileFactory;
    uses dev.oidcsso.spi.IdentitySourceFactory;
    uses dev.oidcsso.spi.IdentityValidatorFactory;
    uses dev.oidcsso.spi.GroupDetectorFactory;
    uses dev.oidcsso.groups.GroupDetector;

    provides dev.oidcsso.spi.ProviderProfileFactory with dev.oidcsso.oidc.GenericProviderProfile;
    provides dev.oidcsso.spi.IdentitySourceFactory with
            dev.oidcsso.identity.IdTokenIdentitySource.Factory, dev.oidcsso.identity.UserInfoIdentitySource.Factory;
    provides dev.oidcsso.spi.IdentityValidatorFactory with
            dev.oidcsso.identity.ClaimEqualsIdentityValidator.Factory, dev.oidcsso.identity.ExpressionIdentityValidator.Factory,
            dev.oidcsso.identity.NoIdentityValidator.Factory;
    provides dev.oidcsso.spi.GroupDetectorFactory with
            dev.oidcsso.identity.ClaimGroupDetector.Factory, dev.oidcsso.identity.UserInfoGroupDetector.Factory;
}
