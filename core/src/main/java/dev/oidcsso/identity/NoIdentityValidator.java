package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.spi.IdentityValidatorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.util.Map;
import java.util.Optional;

/** Admits every authenticated identity; groups and roles still apply (the default). */
public final class NoIdentityValidator implements IdentityValidator {

    /** The name that selects it. */
    public static final String NAME = "none";

    private NoIdentityValidator() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> refusal(Map<String, Object> claims) {
        return Optional.empty();
    }

    /** Creates the validator; it reads no settings. */
    @AutoService(IdentityValidatorFactory.class)
    public static final class Factory implements IdentityValidatorFactory {

        private static final NoIdentityValidator VALIDATOR = new NoIdentityValidator();

        /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
        public Factory() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public IdentityValidator create(PluginSettings settings) {
            return VALIDATOR;
        }
    }
}
