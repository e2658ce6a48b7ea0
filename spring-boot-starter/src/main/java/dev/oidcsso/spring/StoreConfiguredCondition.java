package dev.oidcsso.spring;

import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * True when the application configured a store: {@code OIDC_USERS_DB_URI} or {@code OIDC_DATA_DIR}
 * (under either name form), or {@code oidc-sso.users-db-uri} or {@code oidc-sso.data-dir}.
 */
final class StoreConfiguredCondition implements ConfigurationCondition {

    @Override
    public ConfigurationPhase getConfigurationPhase() {
        return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment environment = context.getEnvironment();
        for (String name : new String[]{"OIDC_USERS_DB_URI", "OIDC_DATA_DIR", "oidc-sso.users-db-uri", "oidc-sso.data-dir"}) {
            String value = environment.getProperty(name);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return false;
    }
}
