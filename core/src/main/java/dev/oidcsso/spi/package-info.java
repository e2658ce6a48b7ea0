/**
 * The service-provider interfaces of the core. Every plugin has one shape: a
 * {@link dev.oidcsso.spi.PluginFactory} with a name that creates the configured instance from its
 * own {@link dev.oidcsso.spi.PluginSettings}: {@link dev.oidcsso.spi.ProviderProfileFactory},
 * {@link dev.oidcsso.spi.IdentitySourceFactory}, {@link dev.oidcsso.spi.IdentityValidatorFactory}
 * and {@link dev.oidcsso.spi.GroupDetectorFactory}. The group detector plugin contract itself lives
 * in the {@code oidc-sso-group-detection-api} artifact.
 *
 * <p>This package names no type of {@code dev.oidcsso.config}: the settings depend on the SPIs,
 * never the other way round.
 */
package dev.oidcsso.spi;
