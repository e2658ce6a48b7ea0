package dev.oidcsso.spi;

import java.util.Map;

/**
 * Where a signed-in user's identity claims come from (Driverless AI's
 * {@code auth_oidc_identity_source}): the built-ins are {@code id_token} and {@code userinfo}.
 * Created by an {@link IdentitySourceFactory}, selected by {@code OIDC_IDENTITY_SOURCE}.
 */
public interface IdentitySource {

    /**
     * The name that selects this source.
     *
     * @return for example {@code userinfo}
     */
    String name();

    /**
     * The identity claims of the user who has just signed in.
     *
     * @param login the validated tokens, and the UserInfo response on demand
     * @return claim names to values
     */
    Map<String, Object> claims(LoginClaims login);
}
