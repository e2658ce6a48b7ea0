package dev.oidcsso.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.spi.IdentityValidatorFactory;
import dev.oidcsso.spi.PluginSettings;
import io.burt.jmespath.Expression;
import io.burt.jmespath.jackson.JacksonRuntime;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admits an identity when a JMESPath expression over its claims is truthy (the role of Driverless
 * AI's ObjectPath expression), for example
 * {@code email_verified && ends_with(email, '@example.com')}. JMESPath cannot loop or call out, so a
 * configured expression cannot hang a login.
 */
public final class ExpressionIdentityValidator implements IdentityValidator {

    private static final int MAX_EXPRESSION_LENGTH = 2048;

    private final ObjectMapper mapper;
    private final JacksonRuntime jmespath;
    private final Expression<JsonNode> expression;
    private final String source;

    /** The name that selects it. */
    public static final String NAME = "expression";

    private ExpressionIdentityValidator(ObjectMapper mapper, JacksonRuntime jmespath, Expression<JsonNode> expression, String source) {
        this.mapper = mapper;
        this.jmespath = jmespath;
        this.expression = expression;
        this.source = source;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> refusal(Map<String, Object> claims) {
        JsonNode result;
        try {
            result = expression.search(mapper.valueToTree(claims));
        } catch (RuntimeException e) {
            return Optional.of("Your account could not be checked against this application's access rule.");
        }
        return jmespath.isTruthy(result) ? Optional.empty()
                : Optional.of("Your account does not meet this application's access rule.");
    }

    @Override
    public String toString() {
        return "ExpressionIdentityValidator[" + source + "]";
    }

    /** Creates the validator from {@code OIDC_IDENTITY_VALIDATOR_EXPRESSION}. */
    @AutoService(IdentityValidatorFactory.class)
    public static final class Factory implements IdentityValidatorFactory {

        /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
        public Factory() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Set<String> settingNames() {
            return Set.of(SettingNames.IDENTITY_VALIDATOR_EXPRESSION);
        }

        @Override
        public IdentityValidator create(PluginSettings settings) {
            String text = settings.get(SettingNames.IDENTITY_VALIDATOR_EXPRESSION).orElseThrow(() -> new SettingsException(
                    SettingNames.IDENTITY_VALIDATOR_EXPRESSION + " is not set: the expression validator needs a JMESPath expression over the claims"));
            if (text.length() > MAX_EXPRESSION_LENGTH) {
                throw new SettingsException(SettingNames.IDENTITY_VALIDATOR_EXPRESSION + " is longer than " + MAX_EXPRESSION_LENGTH + " characters");
            }
            JacksonRuntime jmespath = new JacksonRuntime();
            try {
                return new ExpressionIdentityValidator(new ObjectMapper(), jmespath, jmespath.compile(text), text);
            } catch (RuntimeException e) {
                throw new SettingsException(SettingNames.IDENTITY_VALIDATOR_EXPRESSION + "='" + text
                        + "' is not a valid JMESPath expression: " + e.getMessage());
            }
        }
    }
}
