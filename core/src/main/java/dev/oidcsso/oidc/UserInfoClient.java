package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;

import java.util.Map;

/**
 * Fetches the UserInfo response and checks that it describes the user of the ID token
 * (OpenID Connect Core 5.3.2: a different {@code sub} must not be used).
 */
public final class UserInfoClient {

    private final OidcHttp http;

    /**
     * Creates the client.
     *
     * @param http the sender to the IdP
     */
    public UserInfoClient(OidcHttp http) {
        this.http = http;
    }

    /**
     * Fetches the user's claims.
     *
     * @param provider        the discovered IdP
     * @param accessToken     the access token from the login
     * @param expectedSubject the ID token's {@code sub}
     * @return the UserInfo claims
     * @throws LoginException when the IdP has no endpoint, refuses, or describes another subject
     */
    public Map<String, Object> fetch(DiscoveredProvider provider, String accessToken, String expectedSubject) {
        var endpoint = provider.userInfoEndpoint()
                .orElseThrow(() -> new LoginException(502, "The identity provider has no UserInfo endpoint; use OIDC_IDENTITY_SOURCE=id_token."));
        HTTPResponse response = http.send(new UserInfoRequest(endpoint, new BearerAccessToken(accessToken)).toHTTPRequest(), "UserInfo endpoint");
        UserInfoResponse parsed;
        try {
            parsed = UserInfoResponse.parse(response);
        } catch (ParseException e) {
            throw new LoginException(502, "The identity provider's UserInfo endpoint sent an unreadable response (HTTP "
                    + response.getStatusCode() + ").");
        }
        if (!parsed.indicatesSuccess()) {
            throw new LoginException(502, "The identity provider's UserInfo endpoint refused: "
                    + parsed.toErrorResponse().getErrorObject().getCode());
        }
        UserInfo info = parsed.toSuccessResponse().getUserInfo();
        if (info == null || info.getSubject() == null || !info.getSubject().getValue().equals(expectedSubject)) {
            throw new LoginException(401, "The UserInfo response describes another user than the ID token (sub mismatch).");
        }
        return info.toJSONObject();
    }
}
