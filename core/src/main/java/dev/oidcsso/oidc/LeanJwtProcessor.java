package dev.oidcsso.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import com.nimbusds.jwt.util.DateUtils;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Nimbus's {@code DefaultJWTProcessor} for the tokens IdPs actually send (a compact JWS signed with
 * RS256, RS384 or RS512), with the same checks in the same order and the same refusals, and without
 * the objects it builds per token. At the RSA verify floor every microsecond counts; what it did
 * besides the signature (two Gson parses, a header object and a key matcher per token, a
 * {@link Signature} looked up per token) cost as much as the signature itself.
 *
 * <ul>
 *   <li>Headers are parsed by Nimbus ({@link JWSHeader#parse}) and remembered by their text, with
 *       their key selector: an IdP signs every token with one of a few headers.</li>
 *   <li>The {@code typ} is checked, then the algorithm against the provider's allow-list, then the
 *       keys are selected from the provider's key source (so rotation, refetch on an unknown
 *       {@code kid} and the outage rules of {@link JwksCache} apply unchanged), each candidate is
 *       tried with the JDK's verifier (one {@link Signature} per thread and algorithm), and the claims
 *       verifier runs on the first that verifies.</li>
 *   <li>The payload is read by {@link StrictJsonReader} (strict JSON: no duplicate names, nothing
 *       after the object) into the values Nimbus's parser makes (Long, Double, String, Boolean, null,
 *       lists, maps in document order), stored as {@link JWTClaimsSet#parse(Map)} stores them.</li>
 * </ul>
 *
 * <p>Whatever it does not handle exactly as Nimbus does it declines ({@link Optional#empty()}), and
 * the caller runs {@code DefaultJWTProcessor}, which accepts or refuses it as before: another
 * algorithm, a {@code crit} or {@code b64} header, a part that is not unpadded base64url, a
 * payload the JSON reader declines (a number beyond a long, a non-finite double, nesting deeper
 * than {@value StrictJsonReader#MAX_DEPTH}, anything beyond strict JSON), a claim of the wrong
 * type, a key of another type or that the JDK will not use. A signature that does not verify is refused here, as Nimbus
 * refuses it, so that a forged token costs one RSA verify, not two.
 */
final class LeanJwtProcessor {

    /** As in {@code DefaultJWTProcessor}. */
    static final String NO_KEY = "Signed JWT rejected: Another algorithm expected, or no matching key(s) found";
    /** As in {@code DefaultJWTProcessor}. */
    static final String INVALID_SIGNATURE = "Signed JWT rejected: Invalid signature";

    /** More headers than an IdP signs with at once; the memo starts again rather than grow past it. */
    private static final int MAX_REMEMBERED_HEADERS = 64;
    /** Longer headers are parsed each time: the memo holds a few short texts, not what a caller sends. */
    private static final int MAX_REMEMBERED_HEADER_LENGTH = 1024;
    /** Each byte's value in the base64url alphabet, or -1. */
    private static final byte[] BASE64URL = new byte[256];

    static {
        Arrays.fill(BASE64URL, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int k = 0; k < alphabet.length(); k++) {
            BASE64URL[alphabet.charAt(k)] = (byte) k;
        }
    }

    private static final Map<JWSAlgorithm, String> JCA_ALGORITHMS = Map.of(JWSAlgorithm.RS256, "SHA256withRSA",
            JWSAlgorithm.RS384, "SHA384withRSA", JWSAlgorithm.RS512, "SHA512withRSA");

    private final JOSEObjectTypeVerifier<SecurityContext> types;
    private final Function<JWK, Key> publicKeys;
    private final Map<String, ParsedHeader> headers = new ConcurrentHashMap<>();
    /** The header the last token had: the next token most likely has it too, and is then matched without a copy of its text. */
    private volatile ParsedHeader lastHeader;
    /** A JDK verifier per thread and algorithm: looking one up costs more than the rest of a header's handling. */
    private final ThreadLocal<Map<JWSAlgorithm, Signature>> verifiers = ThreadLocal.withInitial(() -> new HashMap<>(4));

    /**
     * A JWS header as Nimbus parsed it, with the key selector Nimbus's key selectors make for it.
     *
     * @param text     the header's base64url text, as in the token
     * @param header   the header
     * @param selector its keys: type, {@code kid}, use and algorithm as {@link JWKMatcher#forJWSHeader} says
     */
    private record ParsedHeader(String text, JWSHeader header, JWKSelector selector) {
    }

    /**
     * A verified token.
     *
     * @param header the header
     * @param claims the claims, which the claims verifier accepted
     * @param keys   the candidate keys (one of them verified the signature)
     */
    record Verified(JWSHeader header, JWTClaimsSet claims, List<Key> keys) {
    }

    /**
     * A refusal, as Nimbus's processor would refuse the token, with the header's algorithm for the message.
     */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient JWSAlgorithm algorithm;

        Refused(Exception reason, JWSAlgorithm algorithm) {
            super(reason.getMessage(), reason, false, false);
            this.algorithm = algorithm;
        }

        /** @return Nimbus's exception: a {@link BadJOSEException}, or a {@link com.nimbusds.jose.KeySourceException} */
        Exception reason() {
            return (Exception) getCause();
        }

        /** @return the header's algorithm */
        JWSAlgorithm algorithm() {
            return algorithm;
        }
    }

    /** A part of the token this processor does not read exactly as Nimbus does: Nimbus's processor decides. */
    private static final class Declined extends Exception {
        private static final long serialVersionUID = 1L;
        private static final Declined INSTANCE = new Declined();

        private Declined() {
            super("declined", null, false, false);
        }
    }

    /**
     * Creates the processor.
     *
     * @param types      the accepted {@code typ} values
     * @param publicKeys converts a published key to a Java key (remembered), or null when it does not convert
     */
    LeanJwtProcessor(JOSEObjectTypeVerifier<SecurityContext> types, Function<JWK, Key> publicKeys) {
        this.types = types;
        this.publicKeys = publicKeys;
    }

    /**
     * Verifies a compact JWS as {@code DefaultJWTProcessor} with a key selector like
     * {@code JWSVerificationKeySelector} would.
     *
     * @param provider the IdP: its allowed algorithms and its key source
     * @param token    the compact serialization, at most the validator's length bound
     * @param context  the key source's context (where the token came from)
     * @param verifier the claims verifier, run once the signature verified
     * @return the verified token, or empty when Nimbus's processor must decide
     * @throws Refused when the token is refused, with Nimbus's exception and message
     */
    Optional<Verified> process(DiscoveredProvider provider, String token, SecurityContext context,
                               JWTClaimsSetVerifier<SecurityContext> verifier) throws Refused {
        try {
            return Optional.of(verify(provider, token, context, verifier));
        } catch (Declined e) {
            return Optional.empty();
        }
    }

    private Verified verify(DiscoveredProvider provider, String token, SecurityContext context,
                            JWTClaimsSetVerifier<SecurityContext> verifier) throws Refused, Declined {
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (secondDot < 0 || secondDot == token.length() - 1 || token.indexOf('.', secondDot + 1) >= 0) {
            throw Declined.INSTANCE; // not three parts, or no signature: not a JWS Nimbus would parse
        }
        ParsedHeader parsed = header(token, firstDot);
        JWSHeader header = parsed.header();
        try {
            // DefaultJWTProcessor's order: typ, claims, keys, signature, claims verifier.
            types.verify(header.getType(), context);
            // The token's characters as bytes, once: the signing input, and the parts to decode. A character
            // beyond Latin-1 becomes '?', which the decoder refuses in the payload and signature, and which
            // cannot be in a header that parsed above (it was decoded from the text itself).
            byte[] bytes = token.getBytes(StandardCharsets.ISO_8859_1);
            JWTClaimsSet claims = claims(decode(bytes, firstDot + 1, secondDot));
            byte[] signature = decode(bytes, secondDot + 1, bytes.length);
            List<Key> keys = keys(provider, parsed, context);
            if (keys.isEmpty()) {
                throw new BadJOSEException(NO_KEY);
            }
            Signature jdk = verifier(header.getAlgorithm());
            for (Key key : keys) {
                if (!(key instanceof RSAPublicKey rsa)) {
                    throw Declined.INSTANCE; // Nimbus's verifier factory refuses it with its own message
                }
                if (verifies(jdk, rsa, bytes, secondDot, signature)) {
                    verifier.verify(claims, context);
                    return new Verified(header, claims, keys);
                }
            }
            throw new BadJWSException(INVALID_SIGNATURE);
        } catch (BadJOSEException | JOSEException e) {
            throw new Refused(e, header.getAlgorithm());
        }
    }

    private static boolean verifies(Signature jdk, RSAPublicKey key, byte[] token, int signingInputLength, byte[] signature)
            throws Declined {
        try {
            jdk.initVerify(key);
        } catch (InvalidKeyException e) {
            throw Declined.INSTANCE; // Nimbus says "Invalid public RSA key"
        }
        try {
            jdk.update(token, 0, signingInputLength);
            return jdk.verify(signature);
        } catch (SignatureException e) {
            return false; // as RSASSAVerifier: a signature of the wrong length is an invalid signature
        }
    }

    private Signature verifier(JWSAlgorithm algorithm) throws Declined {
        Map<JWSAlgorithm, Signature> mine = verifiers.get();
        Signature jdk = mine.get(algorithm);
        if (jdk == null) {
            try {
                jdk = Signature.getInstance(JCA_ALGORITHMS.get(algorithm));
            } catch (NoSuchAlgorithmException e) {
                throw Declined.INSTANCE;
            }
            mine.put(algorithm, jdk);
        }
        return jdk;
    }

    /** The candidate keys, as {@code JWSVerificationKeySelector} selects and converts them. */
    private List<Key> keys(DiscoveredProvider provider, ParsedHeader parsed, SecurityContext context)
            throws com.nimbusds.jose.KeySourceException {
        if (!provider.algorithms().contains(parsed.header().getAlgorithm())) {
            return List.of();
        }
        List<JWK> published = provider.keys().get(parsed.selector(), context);
        List<Key> keys = new ArrayList<>(published.size());
        for (JWK jwk : published) {
            Key key = publicKeys.apply(jwk);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private ParsedHeader header(String token, int length) throws Declined {
        ParsedHeader last = lastHeader;
        if (last != null && last.text().length() == length && token.startsWith(last.text())) {
            return last;
        }
        String text = token.substring(0, length);
        ParsedHeader known = headers.get(text);
        if (known != null) {
            lastHeader = known;
            return known;
        }
        JWSHeader header;
        try {
            header = JWSHeader.parse(new String(decode(text), StandardCharsets.UTF_8), new Base64URL(text));
        } catch (ParseException | RuntimeException e) {
            // alg none, a JWE's header, bad JSON, a header that is JSON null (on which Nimbus throws
            // NullPointerException): the full parse says what it is, or refuses it
            throw Declined.INSTANCE;
        }
        if (!JCA_ALGORITHMS.containsKey(header.getAlgorithm()) || header.getCriticalParams() != null
                || !header.isBase64URLEncodePayload()) {
            throw Declined.INSTANCE;
        }
        ParsedHeader parsed = new ParsedHeader(text, header, new JWKSelector(JWKMatcher.forJWSHeader(header)));
        if (text.length() <= MAX_REMEMBERED_HEADER_LENGTH) {
            if (headers.size() >= MAX_REMEMBERED_HEADERS) {
                headers.clear();
            }
            headers.put(text, parsed);
            lastHeader = parsed;
        }
        return parsed;
    }

    private static byte[] decode(byte[] token, int start, int end) throws Declined {
        byte[] decoded = decodeBase64Url(token, start, end);
        if (decoded == null) {
            throw Declined.INSTANCE; // Nimbus's own decoder is more lenient: it decides
        }
        return decoded;
    }

    /**
     * Decodes base64url without padding as the JDK's URL decoder does (the unused bits of a last
     * partial group ignored), four characters a step: the JDK's decoder, one character a step, was a
     * fortieth of a bearer token's check.
     *
     * @param text  the characters as bytes
     * @param start the first
     * @param end   after the last
     * @return the bytes, or null when a character is not in the base64url alphabet (padding
     *         included) or the length leaves a single character over, which the JDK's decoder refuses too
     */
    static byte[] decodeBase64Url(byte[] text, int start, int end) {
        int length = end - start;
        int tail = length & 3;
        if (tail == 1) {
            return null;
        }
        byte[] out = new byte[length / 4 * 3 + (tail == 0 ? 0 : tail - 1)];
        int in = start;
        int o = 0;
        for (int whole = start + length - tail; in < whole; in += 4, o += 3) {
            // A character outside the alphabet is -1, which makes the group negative.
            int group = BASE64URL[text[in] & 0xff] << 18 | BASE64URL[text[in + 1] & 0xff] << 12
                    | BASE64URL[text[in + 2] & 0xff] << 6 | BASE64URL[text[in + 3] & 0xff];
            if (group < 0) {
                return null;
            }
            out[o] = (byte) (group >> 16);
            out[o + 1] = (byte) (group >> 8);
            out[o + 2] = (byte) group;
        }
        if (tail > 1) {
            int group = BASE64URL[text[in] & 0xff] << 18 | BASE64URL[text[in + 1] & 0xff] << 12
                    | (tail == 3 ? BASE64URL[text[in + 2] & 0xff] << 6 : 0);
            if (group < 0) {
                return null;
            }
            out[o] = (byte) (group >> 16);
            if (tail == 3) {
                out[o + 1] = (byte) (group >> 8);
            }
        }
        return out;
    }

    private static byte[] decode(String part) throws Declined {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw Declined.INSTANCE; // Nimbus's own decoder is more lenient: it decides
        }
    }

    private static JWTClaimsSet claims(byte[] payload) throws Declined {
        // As Nimbus: the payload's bytes as UTF-8 text (malformed bytes replaced), then the JSON object.
        StrictJsonReader object = StrictJsonReader.read(new String(payload, StandardCharsets.UTF_8));
        if (object == null) {
            throw Declined.INSTANCE;
        }
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        for (int k = 0; k < object.size(); k++) {
            claims.claim(object.nameAt(k), registered(object.nameAt(k), object.valueAt(k)));
        }
        return claims.build();
    }

    /**
     * A claim's value as {@link JWTClaimsSet#parse(Map)} stores it: the registered claims converted
     * (times to dates, a single audience to a list, a numeric subject to text), the others as read.
     * A registered claim of another type is declined: Nimbus refuses it with its own message.
     */
    private static Object registered(String name, Object value) throws Declined {
        if (value == null) {
            return null;
        }
        switch (name) {
            case "iss":
            case "jti":
                return require(value instanceof String, value);
            case "sub":
                return value instanceof Number ? String.valueOf(value) : require(value instanceof String, value);
            case "aud":
                if (value instanceof String) {
                    List<String> single = new ArrayList<>(1);
                    single.add((String) value);
                    return single;
                }
                if (!(value instanceof List<?> list)) {
                    throw Declined.INSTANCE;
                }
                try {
                    return Arrays.asList(list.toArray(new String[0]));
                } catch (ArrayStoreException e) {
                    throw Declined.INSTANCE;
                }
            case "exp":
            case "nbf":
            case "iat":
                if (!(value instanceof Number number)) {
                    throw Declined.INSTANCE;
                }
                return DateUtils.fromSecondsSinceEpoch(number.longValue());
            default:
                return value;
        }
    }

    private static Object require(boolean condition, Object value) throws Declined {
        if (!condition) {
            throw Declined.INSTANCE;
        }
        return value;
    }
}
