package dev.oidcsso.spi;

/**
 * Creates an {@link IdentityValidator}; selected by {@code OIDC_IDENTITY_VALIDATOR}. Register implementations with
 * {@code @AutoService(IdentityValidatorFactory.class)}.
 */
public interface IdentityValidatorFactory extends PluginFactory<IdentityValidator> {
}
