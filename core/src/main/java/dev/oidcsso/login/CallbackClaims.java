package dev.oidcsso.login;

import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.oidc.LoginTokens;
import dev.oidcsso.oidc.ProviderResponseException;
import dev.oidcsso.oidc.UserInfoClient;
import dev.oidcsso.spi.LoginClaims;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * The claims of one login. UserInfo (OpenID Connect Core 5.3) is fetched only when something asks
 * for it, at most once: the {@code userinfo} identity source, or a group detector that needs it.
 * A login whose ID token carries what is needed makes no UserInfo call, so a UserInfo outage does
 * not block it.
 */
final class CallbackClaims implements LoginClaims {

    private final DiscoveredProvider provider;
    private final LoginTokens tokens;
    private final UserInfoClient userInfo;
    private Map<String, Object> fetched;

    CallbackClaims(DiscoveredProvider provider, LoginTokens tokens, UserInfoClient userInfo) {
        this.provider = provider;
        this.tokens = tokens;
        this.userInfo = userInfo;
    }

    @Override
    public Map<String, Object> idTokenClaims() {
        return tokens.idTokenClaims().toJSONObject();
    }

    @Override
    public Map<String, Object> userInfo() {
        if (fetched == null) {
            String accessToken = tokens.accessToken().orElseThrow(() -> new ProviderResponseException(502,
                    "The identity provider issued no access token, so UserInfo cannot be read; use OIDC_IDENTITY_SOURCE=id_token."));
            // OpenID Connect Core 5.3.2: the response's sub must be the ID token's; the client checks it.
            fetched = Collections.unmodifiableMap(userInfo.fetch(provider, accessToken, tokens.idTokenClaims().getSubject()));
        }
        return fetched;
    }

    @Override
    public Optional<Map<String, Object>> userInfoIfFetched() {
        return Optional.ofNullable(fetched);
    }

    @Override
    public Optional<String> accessToken() {
        return tokens.accessToken();
    }
}
