package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.spi.IdentityValidator;
import dev.oidcsso.spi.IdentityValidatorFactory;
import dev.oidcsso.spi.PluginSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admits an identity whose claim equals a configured value (Driverless AI's userinfo auth
 * key/value), for example {@code OIDC_IDENTITY_VALIDATOR_CLAIM=email_verified},
 * {@code OIDC_IDENTITY_VALIDATOR_VALUE=true}. A list claim matches when it contains the value.
 */
public final class ClaimEqualsIdentityValidator implements IdentityValidator {

    /** The name that selects it. */
    public static final String NAME = "claim-equals";

    private final String claim;
    private final String value;

    private ClaimEqualsIdentityValidator(String claim, String value) {
        this.claim = claim;
        this.value = value;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> refusal(Map<String, Object> claims) {
        Object actual = ClaimPath.read(claims, claim).orElse(null);
        boolean ok = actual instanceof List<?> list
                ? list.stream().anyMatch(item -> value.equals(String.valueOf(item)))
                : actual != null && value.equals(String.valueOf(actual));
        return ok ? Optional.empty() : Optional.of("Your account's '" + claim + "' does not allow access to this application.");
    }

    /** Creates the validator from {@code OIDC_IDENTITY_VALIDATOR_CLAIM} and {@code _VALUE}. */
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
            return Set.of(SettingNames.IDENTITY_VALIDATOR_CLAIM, SettingNames.IDENTITY_VALIDATOR_VALUE);
        }

        @Override
        public IdentityValidator create(PluginSettings settings) {
            List<String> problems = new ArrayList<>();
            Optional<String> claimName = settings.get(SettingNames.IDENTITY_VALIDATOR_CLAIM);
            Optional<String> expected = settings.get(SettingNames.IDENTITY_VALIDATOR_VALUE);
            if (claimName.isEmpty()) {
                problems.add(SettingNames.IDENTITY_VALIDATOR_CLAIM + " is not set: the claim-equals validator needs the claim to compare");
            }
            if (expected.isEmpty()) {
                problems.add(SettingNames.IDENTITY_VALIDATOR_VALUE + " is not set: the claim-equals validator needs the value to expect");
            }
            if (!problems.isEmpty()) {
                throw new SettingsException(problems);
            }
            return new ClaimEqualsIdentityValidator(claimName.get(), expected.get());
        }
    }
}
