package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;

import java.util.Locale;
import java.util.Optional;

/**
 * What a login or a refresh takes from the token endpoint's successful answer (RFC 6749 5.1,
 * OpenID Connect Core 3.1.3.3): the tokens and the access token's lifetime.
 *
 * @param accessToken  the access token
 * @param lifetime     {@code expires_in} in seconds, 0 when the answer has none
 * @param refreshToken the refresh token, if the answer has one
 * @param idToken      the ID token as received, if the answer has one; not yet parsed or checked
 */
record TokenAnswer(String accessToken, long lifetime, Optional<String> refreshToken, Optional<String> idToken) {

    /** A member whose value the SDK checks beyond its type; an answer that has it is read by the SDK. */
    private static final String ISSUED_TOKEN_TYPE = "issued_token_type";

    @Override
    public String toString() {
        return "TokenAnswer[lifetime=" + lifetime + ", refreshToken=" + refreshToken.isPresent() + ", idToken=" + idToken.isPresent() + "]";
    }

    /** The token endpoint's answer when it is not a success: its error and HTTP status. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        /** The error object, null when the answer had none the SDK could read. */
        private final transient ErrorObject error;

        Refused(ErrorObject error) {
            super("refused", null, false, false);
            this.error = error;
        }

        ErrorObject error() {
            return error;
        }
    }

    /**
     * Reads the answer of a code exchange. A usual success (HTTP 200, {@code application/json}, a
     * Bearer access token, members of the expected types and shapes, nothing the SDK would refuse)
     * is read here, by the strict JSON reader the bearer tokens use: the SDK's parser read the JSON
     * with another library and then parsed the ID token a second time, before the validator parsed it
     * again, a tenth of a login's CPU. Everything else, refusals included, is read by the SDK's
     * parser. Both read an answer alike ({@code TokenAnswerTest} compares them on random answers),
     * but for one case: an ID token of a signed JWT's shape whose header the SDK cannot read is
     * passed on here, and the ID token's validator refuses it (401), where the SDK called the answer
     * unreadable (502); the login fails either way. A refresh, where the two statuses lead to
     * different ends, is read by {@link #bySdk}.
     *
     * @param response the token endpoint's answer
     * @return the tokens of a successful answer
     * @throws ParseException when the answer is unreadable
     * @throws Refused        when the answer is an error
     */
    static TokenAnswer read(HTTPResponse response) throws ParseException, Refused {
        TokenAnswer fast = fast(response);
        return fast != null ? fast : bySdk(response);
    }

    /**
     * The answer read by the SDK's parser, as every answer was before.
     *
     * @param response the token endpoint's answer
     * @return the tokens of a successful answer
     * @throws ParseException when the answer is unreadable, including when the SDK fails on it with an
     *                        unchecked exception (a {@code scope} with a Unicode space in it)
     * @throws Refused        when the answer is an error
     */
    static TokenAnswer bySdk(HTTPResponse response) throws ParseException, Refused {
        TokenResponse parsed;
        try {
            parsed = OIDCTokenResponseParser.parse(response);
        } catch (RuntimeException e) {
            throw new ParseException("the SDK failed on the answer: " + e.getClass().getSimpleName(), e);
        }
        if (!parsed.indicatesSuccess()) {
            throw new Refused(parsed.toErrorResponse().getErrorObject());
        }
        AccessTokenResponse success = parsed.toSuccessResponse();
        AccessToken access = success.getTokens().getAccessToken();
        Optional<String> idToken = success instanceof OIDCTokenResponse oidc
                ? Optional.ofNullable(oidc.getOIDCTokens().getIDTokenString()) : Optional.empty();
        return new TokenAnswer(access.getValue(), access.getLifetime(),
                Optional.ofNullable(success.getTokens().getRefreshToken()).map(RefreshToken::getValue), idToken);
    }

    /** The answer read without the SDK, or null when the SDK must read it. */
    static TokenAnswer fast(HTTPResponse response) {
        if (response.getStatusCode() != 200 || !isJson(response.getHeaderValue("Content-Type"))) {
            return null;
        }
        String body = response.getBody();
        StrictJsonReader json = body == null ? null : StrictJsonReader.read(body);
        if (json == null) {
            return null;
        }
        String accessToken = null;
        String tokenType = null;
        String refreshToken = null;
        String idToken = null;
        long lifetime = 0;
        for (int k = 0; k < json.size(); k++) {
            Object value = json.valueAt(k);
            switch (json.nameAt(k)) {
                case "access_token" -> {
                    accessToken = unpadded(value);
                    if (accessToken == null) {
                        return null;
                    }
                }
                case "token_type" -> tokenType = nonBlank(value);
                case "refresh_token" -> {
                    refreshToken = unpadded(value);
                    if (refreshToken == null) {
                        return null;
                    }
                }
                case "id_token" -> {
                    idToken = nonBlank(value);
                    if (idToken == null || !isCompactJws(idToken)) {
                        return null; // an encrypted or malformed ID token: the SDK's parse decides, as before
                    }
                }
                case "expires_in" -> {
                    if (!(value instanceof Long seconds) || seconds < 0) {
                        return null; // a string, a fraction or a negative number: the SDK's own rules
                    }
                    lifetime = seconds;
                }
                case "scope" -> {
                    if (!(value instanceof String scope) || !isScopeText(scope)) {
                        return null; // the SDK parses each scope token, and fails on some Unicode spaces
                    }
                }
                case ISSUED_TOKEN_TYPE -> {
                    return null;
                }
                default -> {
                    // Other members are the IdP's own; the SDK keeps them aside, and nothing here reads them.
                }
            }
        }
        if (accessToken == null || tokenType == null || !tokenType.toLowerCase(Locale.ROOT).equals("bearer")) {
            return null; // missing, or DPoP and other token types: the SDK decides
        }
        return new TokenAnswer(accessToken, lifetime, Optional.ofNullable(refreshToken), Optional.ofNullable(idToken));
    }

    /**
     * Whether a token has the shape of a signed JWT (RFC 7515 7.1): three non-empty parts of base64url
     * characters. The SDK parsed the ID token here and called an answer with a malformed one
     * unreadable; such tokens still reach the SDK's parse. One of this shape whose header the SDK would
     * not read is refused by the ID token's validator instead (401 instead of 502): a login fails either
     * way; a refresh, where the status matters, reads its answer with {@link #bySdk}.
     */
    private static boolean isCompactJws(String token) {
        int dots = 0;
        int partLength = 0;
        for (int k = 0; k < token.length(); k++) {
            char c = token.charAt(k);
            if (c == '.') {
                if (partLength == 0) {
                    return false;
                }
                dots++;
                partLength = 0;
            } else if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                partLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && partLength > 0;
    }

    /** A string with other than white space in it, else null. */
    private static String nonBlank(Object value) {
        return value instanceof String text && !text.isBlank() ? text : null;
    }

    /**
     * A token value the SDK keeps as sent, else null: the SDK trims characters up to U+0020 from both
     * ends of a token, so a value with such an end is left to it.
     */
    private static String unpadded(Object value) {
        String text = nonBlank(value);
        return text != null && text.charAt(0) > ' ' && text.charAt(text.length() - 1) > ' ' ? text : null;
    }

    /** Whether a {@code scope} is scope tokens (RFC 6749 3.3: printable ASCII but {@code "} and {@code \}) and spaces. */
    private static boolean isScopeText(String scope) {
        for (int k = 0; k < scope.length(); k++) {
            char c = scope.charAt(k);
            if (c != ' ' && (c < 0x21 || c > 0x7e || c == '"' || c == '\\')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a {@code Content-Type} is {@code application/json}, alone or with a UTF-8 charset, as
     * the IdPs send it. Other parameters, even well-formed, are left to the SDK, whose rules for
     * them this reader does not repeat.
     */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.replace(" ", "").toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("application/json;charset=utf-8");
    }
}
