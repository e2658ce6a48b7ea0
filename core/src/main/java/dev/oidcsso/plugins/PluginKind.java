package dev.oidcsso.plugins;

import dev.oidcsso.spi.GroupDetectorFactory;
import dev.oidcsso.spi.IdentitySourceFactory;
import dev.oidcsso.spi.IdentityValidatorFactory;
import dev.oidcsso.spi.PluginFactory;
import dev.oidcsso.spi.ProviderProfileFactory;

/**
 * The kinds of plugins, each with the factory interface that is registered and the setting that
 * selects one (the names are those of {@code dev.oidcsso.config.SettingNames}, which this package
 * sits below).
 */
public enum PluginKind {
    /** Provider profiles, selected by {@code OIDC_PROVIDER}. */
    PROVIDER_PROFILE("provider profile", "OIDC_PROVIDER", ProviderProfileFactory.class),
    /** Identity sources, selected by {@code OIDC_IDENTITY_SOURCE}. */
    IDENTITY_SOURCE("identity source", "OIDC_IDENTITY_SOURCE", IdentitySourceFactory.class),
    /** Identity validators, selected by {@code OIDC_IDENTITY_VALIDATOR}. */
    IDENTITY_VALIDATOR("identity validator", "OIDC_IDENTITY_VALIDATOR", IdentityValidatorFactory.class),
    /** Group detectors, selected by {@code OIDC_GROUP_DETECTION_PLUGIN}. */
    GROUP_DETECTOR("group detector", "OIDC_GROUP_DETECTION_PLUGIN", GroupDetectorFactory.class);

    /** The setting naming the plugin folder. */
    public static final String PLUGIN_DIR = "OIDC_PLUGIN_DIR";

    private final String description;
    private final String settingName;
    private final Class<? extends PluginFactory<?>> factoryType;

    PluginKind(String description, String settingName, Class<? extends PluginFactory<?>> factoryType) {
        this.description = description;
        this.settingName = settingName;
        this.factoryType = factoryType;
    }

    /** @return what the kind is called in messages, for example {@code group detector} */
    public String description() {
        return description;
    }

    /** @return the setting that selects a plugin of this kind */
    public String settingName() {
        return settingName;
    }

    /** @return the factory interface registered for this kind */
    public Class<? extends PluginFactory<?>> factoryType() {
        return factoryType;
    }
}
