package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.IdentitySourceFactory;
import dev.oidcsso.spi.LoginClaims;
import dev.oidcsso.spi.PluginSettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Identity claims from the UserInfo endpoint, over the ID token's (UserInfo wins where both have a
 * claim, since IdPs often put only the minimum into the ID token).
 */
public final class UserInfoIdentitySource implements IdentitySource {

    /** The name that selects it. */
    public static final String NAME = "userinfo";

    private UserInfoIdentitySource() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> claims(LoginClaims login) {
        Map<String, Object> merged = new LinkedHashMap<>(login.idTokenClaims());
        merged.putAll(login.userInfo());
        return merged;
    }

    /** Creates the source; it reads no settings. */
    @AutoService(IdentitySourceFactory.class)
    public static final class Factory implements IdentitySourceFactory {

        private static final UserInfoIdentitySource SOURCE = new UserInfoIdentitySource();

        /** Creates the factory; the framework finds it with {@link java.util.ServiceLoader}. */
        public Factory() {
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public IdentitySource create(PluginSettings settings) {
            return SOURCE;
        }
    }
}
