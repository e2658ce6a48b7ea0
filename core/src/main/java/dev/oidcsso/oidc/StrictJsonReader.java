package dev.oidcsso.oidc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JWT's payload, a JSON object, into the values Nimbus's parser makes of it (Gson, strict,
 * numbers as a {@code Long} when integral and within a long, else a finite {@code Double}), or
 * declines. It reads only what leaves no doubt: RFC 8259's grammar, with a string's control
 * characters escaped, integers within a long, names unique in each object and nesting up to
 * {@value #MAX_DEPTH} (an array counts two levels), numbers of at most {@value #MAX_NUMBER_LENGTH}
 * characters whose integer part has at most 18 digits; anything else (a duplicate name, a comment, a byte-order mark, a single
 * quote, a huge integer, an infinite or NaN number, text after the object) it declines, and Nimbus's
 * own parser decides. So it never accepts what Nimbus refuses, nor reads a value differently.
 *
 * <p>The token endpoint's answer is read with it too ({@link TokenAnswer}): on what this reader
 * accepts (RFC 8259 text, names unique), the OAuth SDK's own parser (json-smart) reads the same
 * strings and integers, which {@code TokenAnswerTest} checks on random answers.
 *
 * <p>Why not a general parser: a token that has not been verified yet is read here, at the RSA
 * verify floor, and a general parser's objects (its context, buffers, a parser per token) cost a
 * third of everything else a bearer token's check does.
 */
final class StrictJsonReader {

    /** The deepest nesting read, an array counting two levels; deeper is declined. */
    static final int MAX_DEPTH = 64;
    /** The longest number literal read; longer ones (Gson refuses 1024 characters and more) are declined. */
    static final int MAX_NUMBER_LENGTH = 64;
    /** Up to this many members, a duplicate name is looked for by comparing names; past it, by a set. */
    private static final int SCANNED_NAMES = 24;

    /** The claims IdPs commonly send, by length. */
    private static final String[][] KNOWN_NAMES = byLength("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "nonce", "scope", "scp",
            "email", "email_verified", "name", "given_name", "family_name", "preferred_username", "groups", "roles", "client_id", "cid",
            "auth_time", "sid", "typ", "acr", "amr", "at_hash", "tid", "oid", "upn", "ver", "idp", "uid", "username", "token_use",
            "cognito:groups", "cognito:username", "realm_access", "resource_access", "event_id", "origin_jti", "session_state");

    private final String text;
    private final int end;
    private int at;
    private String[] names = new String[12];
    private Object[] values = new Object[12];
    private int[] hashes = new int[12];
    private int size;
    private Set<String> seen;

    /** A part this reader does not read exactly as Nimbus does. No stack trace: it is how reading stops. */
    private static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;
        private static final Unreadable INSTANCE = new Unreadable();

        private Unreadable() {
            super("unreadable", null, false, false);
        }
    }

    private static String[][] byLength(String... names) {
        int longest = 0;
        for (String name : names) {
            longest = Math.max(longest, name.length());
        }
        List<List<String>> lists = new ArrayList<>();
        for (int length = 0; length <= longest; length++) {
            lists.add(new ArrayList<>());
        }
        for (String name : names) {
            lists.get(name.length()).add(name);
        }
        String[][] table = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            table[length] = lists.get(length).toArray(new String[0]);
        }
        return table;
    }

    private StrictJsonReader(String text) {
        this.text = text;
        this.end = text.length();
    }

    /**
     * Reads a JSON object.
     *
     * @param text the JSON text (a payload's bytes as UTF-8, malformed bytes replaced, as Nimbus makes it)
     * @return the reader holding the object's members in document order, or null when it declines
     */
    static StrictJsonReader read(String text) {
        StrictJsonReader reader = new StrictJsonReader(text);
        try {
            reader.topObject();
            return reader;
        } catch (Unreadable e) {
            return null;
        }
    }

    /** @return how many members the object has */
    int size() {
        return size;
    }

    /**
     * @param index a member's place, from 0
     * @return its name
     */
    String nameAt(int index) {
        return names[index];
    }

    /**
     * @param index a member's place, from 0
     * @return its value: String, Long, Double, Boolean, null, a List or a Map (document order)
     */
    Object valueAt(int index) {
        return values[index];
    }

    private void topObject() throws Unreadable {
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            at++;
        } else {
            while (true) {
                String name = claimName();
                skipSpace();
                expect(':');
                skipSpace();
                addMember(name, value(1));
                skipSpace();
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw Unreadable.INSTANCE;
                }
                skipSpace();
            }
        }
        skipSpace();
        if (at != end) {
            throw Unreadable.INSTANCE; // Nimbus refuses anything after the object
        }
    }

    private void addMember(String name, Object value) throws Unreadable {
        // The hash is needed anyway (the claims set's map keeps it), and spares comparing most names.
        int hash = name.hashCode();
        if (size < SCANNED_NAMES) {
            for (int k = 0; k < size; k++) {
                if (hashes[k] == hash && names[k].equals(name)) {
                    throw Unreadable.INSTANCE; // Nimbus refuses duplicate names
                }
            }
        } else {
            if (seen == null) {
                seen = new HashSet<>(Arrays.asList(names).subList(0, size));
            }
            if (!seen.add(name)) {
                throw Unreadable.INSTANCE;
            }
        }
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        names[size] = name;
        values[size] = value;
        hashes[size] = hash;
        size++;
    }

    private Object value(int depth) throws Unreadable {
        char c = peek();
        switch (c) {
            case '"':
                return string();
            case '{':
                if (depth >= MAX_DEPTH) {
                    throw Unreadable.INSTANCE;
                }
                return object(depth + 1);
            case '[':
                if (depth >= MAX_DEPTH) {
                    throw Unreadable.INSTANCE;
                }
                return array(depth + 1);
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || isDigit(c)) {
                    return number();
                }
                throw Unreadable.INSTANCE;
        }
    }

    private Map<String, Object> object(int depth) throws Unreadable {
        at++; // '{'
        Map<String, Object> object = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return object;
        }
        while (true) {
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object value = value(depth);
            if (object.containsKey(name)) {
                throw Unreadable.INSTANCE; // Nimbus refuses duplicate names
            }
            object.put(name, value);
            skipSpace();
            char c = next();
            if (c == '}') {
                return object;
            }
            if (c != ',') {
                throw Unreadable.INSTANCE;
            }
            skipSpace();
        }
    }

    private List<Object> array(int depth) throws Unreadable {
        at++; // '['
        List<Object> array = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return array;
        }
        while (true) {
            array.add(value(depth + 1));
            skipSpace();
            char c = next();
            if (c == ']') {
                return array;
            }
            if (c != ',') {
                throw Unreadable.INSTANCE;
            }
            skipSpace();
        }
    }

    /**
     * A top-level name: one of the claims IdPs commonly send is the constant itself (no copy, its hash
     * known, and found by identity in the claims set's map), any other is read as a string.
     */
    private String claimName() throws Unreadable {
        int start = at + 1;
        int close = start < end && text.charAt(at) == '"' ? text.indexOf('"', start) : -1;
        int length = close - start;
        if (close > 0 && length < KNOWN_NAMES.length) {
            for (String known : KNOWN_NAMES[length]) {
                if (text.regionMatches(start, known, 0, length)) {
                    at = close + 1;
                    return known;
                }
            }
        }
        return string();
    }

    private String string() throws Unreadable {
        String source = text;
        int i = at;
        if (i >= end || source.charAt(i) != '"') {
            throw Unreadable.INSTANCE; // names in double quotes only, as strict JSON has them
        }
        int start = ++i;
        for (int last = end; i < last; i++) {
            char c = source.charAt(i);
            if (c == '"') {
                at = i + 1;
                return source.substring(start, i);
            }
            if (c == '\\') {
                at = i;
                return escaped(start);
            }
            if (c < 0x20) {
                throw Unreadable.INSTANCE; // Gson's strict mode refuses unescaped control characters
            }
        }
        throw Unreadable.INSTANCE;
    }

    /** The rest of a string that has an escape at {@link #at}; {@code start} is its first character. */
    private String escaped(int start) throws Unreadable {
        StringBuilder out = new StringBuilder(at - start + 16).append(text, start, at);
        while (at < end) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw Unreadable.INSTANCE;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= end) {
                break;
            }
            char escape = text.charAt(at++);
            switch (escape) {
                case '"', '\\', '/' -> out.append(escape);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (end - at < 4) {
                        throw Unreadable.INSTANCE;
                    }
                    int unit = 0;
                    for (int k = 0; k < 4; k++) {
                        unit = unit << 4 | hex(text.charAt(at++));
                    }
                    out.append((char) unit);
                }
                default -> throw Unreadable.INSTANCE; // \' and the like: strict JSON has no such escape
            }
        }
        throw Unreadable.INSTANCE;
    }

    private static int hex(char c) throws Unreadable {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw Unreadable.INSTANCE;
    }

    private Object number() throws Unreadable {
        int start = at;
        boolean negative = peek() == '-';
        if (negative) {
            at++;
        }
        char first = peek();
        if (first == '0') {
            at++; // no leading zeros: "01" ends after the 0 and the 1 is then refused as what follows a value
        } else if (first >= '1' && first <= '9') {
            while (isDigit(peek())) {
                at++;
            }
        } else {
            throw Unreadable.INSTANCE;
        }
        int integerEnd = at;
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            at++;
            requireDigits();
        }
        char c = peek();
        if (c == 'e' || c == 'E') {
            integral = false;
            at++;
            c = peek();
            if (c == '+' || c == '-') {
                at++;
            }
            requireDigits();
        }
        if (integral) {
            int digits = integerEnd - start - (negative ? 1 : 0);
            if (digits <= 18) { // fits in a long whatever the digits
                long value = 0;
                for (int k = integerEnd - digits; k < integerEnd; k++) {
                    value = value * 10 + (text.charAt(k) - '0');
                }
                return negative ? -value : value;
            }
            try {
                return Long.parseLong(text, start, integerEnd, 10);
            } catch (NumberFormatException e) {
                throw Unreadable.INSTANCE; // beyond a long: Nimbus makes a double of it, with lost digits
            }
        }
        // Gson counts the integer part in a long that may wrap (and then refuses the next digit as a leading zero),
        // and refuses a literal of 1024 characters or more: a long integer part or a long literal is left to Nimbus.
        if (integerEnd - start - (negative ? 1 : 0) > 18 || at - start > MAX_NUMBER_LENGTH) {
            throw Unreadable.INSTANCE;
        }
        // As Gson's LONG_OR_DOUBLE: a fraction or exponent is a double, and a strict reader refuses a non-finite one.
        double value = Double.parseDouble(text.substring(start, at));
        if (!Double.isFinite(value)) {
            throw Unreadable.INSTANCE;
        }
        return value;
    }

    private void requireDigits() throws Unreadable {
        if (!isDigit(peek())) {
            throw Unreadable.INSTANCE;
        }
        while (isDigit(peek())) {
            at++;
        }
    }

    private void literal(String word) throws Unreadable {
        if (!text.startsWith(word, at)) {
            throw Unreadable.INSTANCE;
        }
        at += word.length();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** JSON's whitespace only: space, tab, line feed, carriage return. */
    private void skipSpace() {
        String source = text;
        int i = at;
        while (i < end) {
            char c = source.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        at = i;
    }

    private char peek() {
        return at < end ? text.charAt(at) : 0; // 0 is refused wherever it is looked at
    }

    private char next() {
        return at < end ? text.charAt(at++) : 0;
    }

    private void expect(char c) throws Unreadable {
        if (next() != c) {
            throw Unreadable.INSTANCE;
        }
    }
}
