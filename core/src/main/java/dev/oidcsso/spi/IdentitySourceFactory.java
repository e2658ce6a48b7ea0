package dev.oidcsso.spi;

/**
 * Creates an {@link IdentitySource}; selected by {@code OIDC_IDENTITY_SOURCE}. Register implementations with
 * {@code @AutoService(IdentitySourceFactory.class)}.
 */
public interface IdentitySourceFactory extends PluginFactory<IdentitySource> {
}
