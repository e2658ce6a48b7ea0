package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.LoginClaims;

import java.util.Map;

/** Identity claims from the validated ID token (the default). */
@AutoService(IdentitySource.class)
public final class IdTokenIdentitySource implements IdentitySource {

    @Override
    public String name() {
        return "id_token";
    }

    @Override
    public Map<String, Object> claims(LoginClaims login) {
        return login.idTokenClaims();
    }
}
