package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.LoginClaims;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Identity claims from the UserInfo endpoint, over the ID token's (UserInfo wins where both have a
 * claim, since IdPs often put only the minimum into the ID token).
 */
@AutoService(IdentitySource.class)
public final class UserInfoIdentitySource implements IdentitySource {

    @Override
    public String name() {
        return "userinfo";
    }

    @Override
    public Map<String, Object> claims(LoginClaims login) {
        Map<String, Object> merged = new LinkedHashMap<>(login.idTokenClaims());
        merged.putAll(login.userInfo());
        return merged;
    }
}
