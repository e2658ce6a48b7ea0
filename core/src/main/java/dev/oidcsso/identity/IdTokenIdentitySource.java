package dev.oidcsso.identity;

import com.google.auto.service.AutoService;
import dev.oidcsso.spi.IdentitySource;
import dev.oidcsso.spi.IdentitySourceFactory;
import dev.oidcsso.spi.LoginClaims;
import dev.oidcsso.spi.PluginSettings;

import java.util.Map;

/** Identity claims from the validated ID token (the default). */
public final class IdTokenIdentitySource implements IdentitySource {

    /** The name that selects it. */
    public static final String NAME = "id_token";

    private IdTokenIdentitySource() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> claims(LoginClaims login) {
        return login.idTokenClaims();
    }

    /** Creates the source; it reads no settings. */
    @AutoService(IdentitySourceFactory.class)
    public static final class Factory implements IdentitySourceFactory {

        private static final IdTokenIdentitySource SOURCE = new IdTokenIdentitySource();

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
