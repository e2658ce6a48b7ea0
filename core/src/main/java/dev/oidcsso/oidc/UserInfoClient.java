package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.ErrorObject;
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
     * @throws ProviderResponseException    when the IdP has no endpoint, refuses, or describes another subject
     * @throws ProviderUnavailableException when the endpoint cannot be reached
     */
    public Map<String, Object> fetch(DiscoveredProvider provider, String accessToken, String expectedSubject) {
        var endpoint = provider.userInfoEndpoint()
                .orElseThrow(() -> new ProviderResponseException(502,
                        "The identity provider has no UserInfo endpoint; use OIDC_IDENTITY_SOURCE=id_token and a group detector "
                                + "that reads the ID token."));
        HTTPResponse response = http.send(new UserInfoRequest(endpoint, new BearerAccessToken(accessToken)).toHTTPRequest(), "UserInfo endpoint");
        UserInfoResponse parsed;
        try {
            parsed = UserInfoResponse.parse(response);
        } catch (ParseException e) {
            throw new ProviderResponseException(502, "The identity provider's UserInfo endpoint sent an unreadable response (HTTP "
                    + response.getStatusCode() + ").");
        }
        if (!parsed.indicatesSuccess()) {
            throw new ProviderResponseException(502, "The identity provider's UserInfo endpoint refused the login's access token: "
                    + ProviderResponseException.describe(errorOf(parsed, response), response.getStatusCode())
                    + ". Check that OIDC_SCOPE includes the scopes UserInfo needs (openid, email, profile).");
        }
        UserInfo info = parsed.toSuccessResponse().getUserInfo();
        if (info == null || info.getSubject() == null || !info.getSubject().getValue().equals(expectedSubject)) {
            throw new ProviderResponseException(401, "The UserInfo response describes another user than the ID token (sub mismatch).");
        }
        return info.toJSONObject();
    }

    /**
     * The error of a refused UserInfo request: from the {@code WWW-Authenticate} header as RFC 6750
     * says, else from a JSON body (Google sends {@code {"error": ..., "error_description": ...}}
     * with a bare 401).
     */
    private static ErrorObject errorOf(UserInfoResponse parsed, HTTPResponse response) {
        ErrorObject error = parsed.toErrorResponse().getErrorObject();
        if (error != null && error.getCode() != null) {
            return error;
        }
        return ErrorObject.parse(response);
    }
}
