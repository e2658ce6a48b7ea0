package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.IdentityValidator;

import java.util.Map;
import java.util.Optional;

/** Admits every authenticated identity; groups and roles still apply (the default). */
@AutoService(IdentityValidator.class)
public final class NoIdentityValidator implements IdentityValidator {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Optional<String> refusal(Map<String, Object> claims) {
        return Optional.empty();
    }
}
