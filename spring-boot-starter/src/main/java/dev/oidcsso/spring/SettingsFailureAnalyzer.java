package dev.oidcsso.spring;

import dev.oidcsso.config.SettingsException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns oidc-sso's refusal of its settings into Spring Boot's "APPLICATION FAILED TO START" report:
 * the problems, each naming the setting to fix, and how that name is written as a property. Without
 * it Spring logs the refusal wrapped in a hundred lines of bean-creation stack trace, repeating the
 * problems six times. The message holds no secret's value (see {@link SettingsException}).
 */
final class SettingsFailureAnalyzer extends AbstractFailureAnalyzer<SettingsException> {

    static final String ACTION = "Fix each setting named above. They are the environment variables' names; as Spring "
            + "properties each is also oidc-sso.* in relaxed form (OIDC_CLIENT_ID is oidc-sso.client-id, SECRET_KEY is "
            + "oidc-sso.secret-key), and a name without its own property goes under oidc-sso.settings.* "
            + "(OIDC_OKTA_DOMAIN is oidc-sso.settings.okta-domain). An OIDC_* environment variable wins over the property.";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SettingsException cause) {
        return new FailureAnalysis(cause.getMessage(), ACTION, cause);
    }
}
