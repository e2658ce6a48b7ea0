package dev.oidcsso.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The lean path's JSON reader against the parser Nimbus reads payloads with
 * ({@link JSONObjectUtils#parse}): whatever it reads, Nimbus reads to the same values of the same
 * types in the same order; whatever Nimbus refuses, it declines. Over hand-picked texts, random
 * well-formed objects (which it must also read itself, or the comparison would prove little) and
 * random edits of them.
 */
class StrictJsonReaderTest {

    @Test
    void readsAsNimbusOrDeclinesOnHandPickedTexts() {
        List<String> texts = List.of("{}", " {\"a\":1} ", "{\"a\":1}\n\r\t", "{\"a\":-0,\"b\":0,\"c\":-1.5e-3,\"d\":1E2,\"e\":1e+2}",
                "{\"a\":9223372036854775807,\"b\":-9223372036854775808,\"c\":123456789012345678}",
                "{\"a\":9223372036854775808}", "{\"a\":-9223372036854775809}", "{\"a\":99999999999999999999}",
                "{\"a\":1.7976931348623157E308,\"b\":4.9E-324,\"c\":0.1}", "{\"a\":1e400}", "{\"a\":-1e400}", "{\"a\":NaN}",
                "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":0x10}",
                "{\"a\":true,\"b\":false,\"c\":null}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":truex}",
                "{\"a\":\"\\u00e9\\n\\\"\\/\\\\\\b\\f\\r\\t\\u0000\\uD83D\\uDE00\\ud800\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\'\"}",
                "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}", "{\"a\":\"\u007f\u2028é😀\"}",
                "{\"a\":\"x\"", "{\"a\":\"x}", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}", "{\"a\":1,}", "{,\"a\":1}", "{\"a\":[1,]}",
                "{\"a\":[,1]}", "{\"a\":1 \"b\":2}", "{\"a\":1}x", "{\"a\":1} {}", "{\"a\":1}}", "\uFEFF{\"a\":1}", "{/*c*/\"a\":1}",
                "{\"a\":1}//", "{\"a\":1,\"a\":2}", "{\"a\":null,\"a\":2}", "{\"a\":{\"b\":1,\"b\":2}}", "{\"a\":{\"b\":null,\"b\":null}}",
                "{\"\":1}", "{\"a\":[]}", "{\"a\":{}}", "{\"a\":[[],{},[{}]]}", "[1,2]", "\"text\"", "null", "1", "", "   ", "{",
                "{\"a\":1\u000c}", "{\u00a0\"a\":1}", "{\"a\":[1\u000b]}",
                "{\"deep\":" + "[".repeat(63) + "]".repeat(63) + "}", "{\"deep\":" + "[".repeat(64) + "]".repeat(64) + "}",
                "{\"deep\":" + "[".repeat(300) + "]".repeat(300) + "}",
                "{\"deep\":" + "{\"a\":".repeat(63) + "1" + "}".repeat(63) + "}", "{\"deep\":" + "{\"a\":".repeat(64) + "1" + "}".repeat(64) + "}",
                manyMembers(30, false), manyMembers(30, true), "{\"a\":\"\uFFFD\uFFFD(\"}",
                // Gson refuses a number literal of 1024 characters or more, and counts an integer part in a long that
                // wraps: a run of digits that is a multiple of 2^64 makes the next digit a "leading zero".
                "{\"x\":1." + "1".repeat(1022) + "}", "{\"x\":1." + "1".repeat(30) + "}", "{\"x\":922337203685477580800.5}",
                "{\"x\":184467440737095516161.5}", "{\"x\":184467440737095516160e0}", "{\"x\":-922337203685477580800e2}",
                "{\"x\":123456789012345678.5}");
        for (String text : texts) {
            sameOrDeclined(text);
        }
    }

    @Test
    void readsTheClaimsIdpsSendItself() {
        for (String text : List.of(
                "{\"iss\":\"https://idp.example.com/realms/x\",\"sub\":\"f81d4fae-7dec-11d0\",\"aud\":[\"api\",\"account\"],\"exp\":1764417600,"
                        + "\"iat\":1764417000,\"auth_time\":1764416000.5,\"name\":\"Zoë Ångström \\u00e9\",\"email_verified\":true,"
                        + "\"realm_access\":{\"roles\":[\"admin\",\"user\"]},\"groups\":[],\"acr\":null,\"scope\":\"openid email\"}",
                " {\n  \"sub\" : \"a\\\"b\\\\c\\/d\" ,\r\n\t\"n\":-12.5e-1 } ",
                manyMembers(40, false))) {
            assertNotNull(StrictJsonReader.read(text), text);
            sameOrDeclined(text);
        }
    }

    @Test
    void readsTheCommonClaimNamesAndTheirNearMissesAsTheyAre() {
        // The reader answers its own constants for the claim names IdPs commonly send; a name of the same length or of
        // the same hash, one character longer or shorter, or with an escape must still be read as itself.
        for (String known : List.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "nonce", "scope", "scp", "email",
                "email_verified", "name", "preferred_username", "groups", "roles", "client_id", "cid", "cognito:groups",
                "cognito:username", "realm_access", "resource_access", "session_state", "tid", "oid", "upn", "ver", "idp")) {
            String sameHash = known.substring(0, known.length() - 2) + (char) (known.charAt(known.length() - 2) + 1)
                    + (char) (known.charAt(known.length() - 1) - 31);
            assertEquals(known.hashCode(), sameHash.hashCode(), sameHash);
            List<String> names = List.of(known, sameHash, known + "x", known.substring(0, known.length() - 1),
                    known.substring(0, known.length() - 1) + (char) (known.charAt(known.length() - 1) ^ 1), known.toUpperCase(Locale.ROOT));
            for (String name : names) {
                String text = "{\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\":1,\"z\":2}";
                StrictJsonReader read = StrictJsonReader.read(text);
                assertNotNull(read, text);
                assertEquals(name, read.nameAt(0), text);
                sameOrDeclined(text);
            }
            String escaped = "{\"\\u" + String.format(Locale.ROOT, "%04x", (int) known.charAt(0)) + known.substring(1) + "\":1}";
            assertEquals(known, StrictJsonReader.read(escaped).nameAt(0), escaped);
            sameOrDeclined(escaped);
            sameOrDeclined("{\"" + known + "\":1,\"" + known + "\":2}"); // a duplicate is declined as Nimbus refuses it
        }
    }

    @Test
    void readsAsNimbusOrDeclinesOnRandomObjectsAndEdits() {
        Random random = new Random(1607);
        String alphabet = "{}[],:\"\\ 0123456789.eE+-abcfilnrstuxé\u0001\t\n";
        for (int k = 0; k < 2000; k++) {
            StringBuilder json = new StringBuilder();
            object(random, json, 0);
            String text = json.toString();
            assertNotNull(StrictJsonReader.read(text), text); // well-formed, unique names, numbers within a long
            sameOrDeclined(text);
            StringBuilder edited = new StringBuilder(text);
            for (int e = 1 + random.nextInt(3); e > 0 && edited.length() > 0; e--) {
                int at = random.nextInt(edited.length());
                switch (random.nextInt(3)) {
                    case 0 -> edited.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> edited.deleteCharAt(at);
                    default -> edited.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            sameOrDeclined(edited.toString());
        }
    }

    private static void sameOrDeclined(String text) {
        StrictJsonReader read = StrictJsonReader.read(text);
        Map<String, Object> nimbus;
        try {
            nimbus = JSONObjectUtils.parse(text);
        } catch (ParseException | RuntimeException e) {
            assertNull(read, () -> "Nimbus refuses what the reader read: " + text);
            return;
        }
        if (read != null) {
            StringBuilder mine = new StringBuilder("{");
            for (int k = 0; k < read.size(); k++) {
                mine.append(describe(read.nameAt(k))).append(':').append(describe(read.valueAt(k))).append(',');
            }
            assertEquals(describe(nimbus), mine.append('}').toString(), text);
        }
    }

    /** A value with its type, maps in their order: equal descriptions are equal values of equal types. */
    private static String describe(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            map.forEach((name, member) -> out.append(describe(name)).append(':').append(describe(member)).append(','));
            return out.append('}').toString();
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(describe(item)));
            return items.toString();
        }
        return value == null ? "null" : value.getClass().getSimpleName() + "<" + value + ">";
    }

    private static String manyMembers(int count, boolean duplicateLast) {
        StringBuilder json = new StringBuilder("{");
        for (int k = 0; k < count; k++) {
            json.append("\"claim").append(k).append("\":").append(k).append(',');
        }
        return json.append("\"claim").append(duplicateLast ? 0 : count).append("\":\"last\"}").toString();
    }

    private static void object(Random random, StringBuilder json, int depth) {
        json.append(space(random)).append('{');
        int members = random.nextInt(depth == 0 ? 12 : 4);
        for (int k = 0; k < members; k++) {
            json.append(k == 0 ? "" : ",").append(space(random)).append(string(random, "n" + k)).append(space(random)).append(':');
            value(random, json, depth + 1);
        }
        json.append(space(random)).append('}').append(space(random));
    }

    private static void value(Random random, StringBuilder json, int depth) {
        json.append(space(random));
        switch (random.nextInt(depth > 4 ? 6 : 8)) {
            case 0 -> json.append(string(random, ""));
            case 1 -> json.append(random.nextLong() >> random.nextInt(64));
            case 2 -> json.append(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 3 -> json.append(random.nextBoolean() ? "-0" : random.nextBoolean() ? "1e3" : "-2.50E-2");
            case 4 -> json.append(random.nextBoolean() ? "true" : "false");
            case 5 -> json.append("null");
            case 6 -> object(random, json, depth);
            default -> {
                json.append('[');
                for (int k = random.nextInt(4); k > 0; k--) {
                    value(random, json, depth + 1);
                    json.append(k > 1 ? "," : "");
                }
                json.append(']');
            }
        }
        json.append(space(random));
    }

    private static String string(Random random, String prefix) {
        String[] pieces = {"a", "Z", "é", "😀", "\u2028", "\\n", "\\\"", "\\\\", "\\/", "\\u0041", "\\uD83D\\uDE00", "\\ud800", "\\u00e9",
            "\\t", "\\b", "\\f", "\\r", " ", "\u007f", "\uFFFD"};
        StringBuilder text = new StringBuilder("\"").append(prefix);
        for (int k = random.nextInt(6); k > 0; k--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.append('"').toString();
    }

    private static String space(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n\t";
            case 2 -> "\r\n ";
            default -> "";
        };
    }
}
