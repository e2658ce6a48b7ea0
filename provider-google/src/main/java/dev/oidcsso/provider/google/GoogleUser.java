package dev.oidcsso.provider.google;

import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetectionException;
import dev.oidcsso.spi.support.ClaimValues;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.spi.support.JsonHttpException;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The Google account a group detector works on: its stable {@code sub} and its e-mail address when
 * Google verified it. Only a verified address counts, since anyone can put an unverified one on a
 * Google account.
 *
 * @param subject       the account's {@code sub}
 * @param verifiedEmail the verified e-mail address, if any
 */
record GoogleUser(String subject, Optional<String> verifiedEmail) {

    /**
     * Finds the account's claims: the UserInfo response when the framework fetched it, else the ID
     * token (Google puts the same signed {@code email}/{@code email_verified} there for the
     * {@code email} scope), else Google's UserInfo endpoint called with the access token, as the
     * MLflow seed's plugin does.
     *
     * @param context     the login
     * @param http        the HTTP client
     * @param userInfoUrl the UserInfo endpoint
     * @return the account
     */
    static GoogleUser of(GroupDetectionContext context, JsonHttp http, URI userInfoUrl) {
        Optional<Map<String, Object>> userInfo = context.userInfoClaims();
        if (userInfo.isPresent()) {
            return from(userInfo.get(), context);
        }
        Map<String, Object> token = context.tokenClaims();
        if (token.containsKey("email") || context.accessToken().isEmpty()) {
            return from(token.isEmpty() ? context.claims() : token, context);
        }
        try {
            return from(http.getWithBearer(userInfoUrl, context.accessToken().get()), context);
        } catch (JsonHttpException e) {
            throw new GroupDetectionException("Google's UserInfo endpoint could not be read to map the user to groups: "
                    + e.getMessage(), e);
        }
    }

    private static GoogleUser from(Map<String, Object> claims, GroupDetectionContext context) {
        String subject = ClaimValues.string(claims.get("sub"))
                .or(() -> ClaimValues.string(context.tokenClaims().get("sub")))
                .orElse("");
        Optional<String> email = ClaimValues.string(claims.get("email"))
                .filter(e -> ClaimValues.isTrue(claims.get("email_verified")));
        return new GoogleUser(subject, email);
    }
}
