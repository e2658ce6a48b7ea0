package dev.oidcsso.testing.stub;

import dev.oidcsso.groups.GroupDetectionContext;

import java.util.Map;
import java.util.Optional;

/**
 * A plain {@link GroupDetectionContext}, for testing group detectors on their own.
 *
 * @param username       the user name
 * @param claims         the identity claims
 * @param tokenClaims    the token's claims
 * @param userInfoClaims the UserInfo claims, if fetched
 * @param accessToken    the access token, if any
 */
public record StubContext(String username, Map<String, Object> claims, Map<String, Object> tokenClaims,
                          Optional<Map<String, Object>> userInfoClaims, Optional<String> accessToken)
        implements GroupDetectionContext {

    /**
     * A context whose identity claims are the token's, without UserInfo.
     *
     * @param tokenClaims the token's claims
     * @param accessToken the access token, or {@code null}
     * @return the context
     */
    public static StubContext ofToken(Map<String, Object> tokenClaims, String accessToken) {
        return new StubContext(String.valueOf(tokenClaims.get("sub")), tokenClaims, tokenClaims, Optional.empty(),
                Optional.ofNullable(accessToken));
    }
}
