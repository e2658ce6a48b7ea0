package dev.oidcsso.oidc;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;

import java.text.ParseException;

/**
 * Parses a JWT that came from outside (a bearer token, an ID token, a logout token) and refuses
 * what cannot be parsed with a {@link ParseException}, whatever the parser does with it: Nimbus's
 * parser throws unchecked exceptions on some malformed input (a header that is the JSON literal
 * {@code null} gives a NullPointerException), which must end as a refused token (4xx), not as an
 * unexpected failure (500).
 */
public final class JwtParsing {

    private JwtParsing() {
    }

    /**
     * Parses a JWT of any kind, as {@link JWTParser#parse} does.
     *
     * @param token the token text
     * @return the parsed, unverified token
     * @throws ParseException when the text is not a JWT the parser can read
     */
    public static JWT parse(String token) throws ParseException {
        try {
            return JWTParser.parse(token);
        } catch (RuntimeException e) {
            throw notAJwt(e);
        }
    }

    /**
     * The refusal of a token the parser failed on with an unchecked exception. The message names the
     * exception's type only: the parser's own message may quote the token.
     *
     * @param e the parser's exception
     * @return the exception to throw
     */
    static ParseException notAJwt(RuntimeException e) {
        ParseException refused = new ParseException("not a JWT (" + e.getClass().getSimpleName() + ")", 0);
        refused.initCause(e);
        return refused;
    }
}
