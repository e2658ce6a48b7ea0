/**
 * The service-provider interfaces of the core: {@link dev.oidcsso.spi.ProviderProfile},
 * {@link dev.oidcsso.spi.IdentitySource} and {@link dev.oidcsso.spi.IdentityValidator}, and
 * {@link dev.oidcsso.spi.NamedServices}, which loads and selects them by name. The group detector
 * plugin contract lives in the {@code oidc-sso-group-detection-api} artifact.
 */
package dev.oidcsso.spi;
