package dev.oidcsso.authz;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper bound of what RE2/J will build for a pattern, worked out from the pattern's text before
 * RE2/J is asked to compile it.
 *
 * <p>RE2/J matches in linear time, but "linear" is in the size of the compiled program, and a
 * counted repetition copies its operand: {@code (.{0,1000}){1000}} is 18 characters and two million
 * instructions, {@code ((a{1000}){1000}){1000}} a billion. RE2/J also compiles, and follows the
 * empty transitions of a program, by recursion, so a deep program overflows the thread's stack. RE2/J
 * has no budget of its own (RE2 in C++ has one), so this class computes two figures:
 * <ul>
 *   <li>{@code size}: the number of instructions, counting one per literal character, class, dot or
 *       assertion, one per {@code * + ?} and {@code |}, one per empty alternative, two per group, and a counted repetition
 *       {@code x{n,m}} as {@code max(m,1)} copies of {@code x} plus one instruction each
 *       ({@code x{n,}} as {@code n+1});</li>
 *   <li>{@code depth}: how deeply RE2/J's simplified form nests: one level per group or
 *       {@code * + ?} around its operand, and {@code m-n} levels for {@code x{n,m}}, which RE2/J
 *       rewrites as {@code m-n} nested optional copies.</li>
 * </ul>
 *
 * <p>Both are over-estimates for every pattern RE2/J accepts: the tokenizer follows RE2/J's parser
 * (escapes, {@code \Q...\E}, {@code \p{..}}, {@code \x{..}}, character classes with POSIX names,
 * flag groups), so no repetition can hide from it. A pattern RE2/J refuses may be mis-measured, which
 * is harmless: RE2/J refuses it while parsing, before it builds anything. Figures saturate at
 * {@link #SATURATED}.
 *
 * @param size  the bound on the compiled program's instructions
 * @param depth the bound on the simplified pattern's nesting
 */
record RegexCost(long size, long depth) {

    /** Beyond this a figure stops growing: every limit is far below it. */
    static final long SATURATED = 1L << 40;

    /** One level of parentheses while walking. */
    private static final class Group {
        long finished;      // sum of the completed alternatives
        long finishedDepth; // deepest completed alternative
        int bars;           // '|' seen
        long sequence;      // the current alternative so far
        long sequenceDepth;
        long last;          // the last atom of the current alternative (what an operator applies to)
        long lastDepth;
    }

    /**
     * Measures a pattern.
     *
     * @param pattern RE2 syntax
     * @return the bounds
     */
    static RegexCost of(String pattern) {
        Deque<Group> open = new ArrayDeque<>();
        Group current = new Group();
        int i = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\' -> {
                    int end = skipEscape(pattern, i);
                    // \Q...\E counts one instruction per character (over by the \Q and \E), any other escape one
                    atom(current, pattern.startsWith("\\Q", i) ? Math.max(1, end - i) : 1, 0);
                    i = end;
                    continue;
                }
                case '[' -> {
                    i = skipClass(pattern, i);
                    atom(current, 1, 0);
                    continue;
                }
                case '(' -> {
                    if (i + 1 < n && pattern.charAt(i + 1) == '?') {
                        int end = flagsEnd(pattern, i + 2);
                        if (end < n && pattern.charAt(end) == ')') {
                            // (?i) and the like set flags and open nothing
                            i = end + 1;
                            continue;
                        }
                        i = end + 1;
                    } else {
                        i++;
                    }
                    open.push(current);
                    current = new Group();
                    continue;
                }
                case ')' -> {
                    long size = total(current) + 2;
                    long depth = depthOf(current) + 1;
                    current = open.isEmpty() ? new Group() : open.pop();
                    atom(current, size, depth);
                    i++;
                    continue;
                }
                case '|' -> {
                    current.finished = add(current.finished, alternative(current));
                    current.finishedDepth = Math.max(current.finishedDepth, current.sequenceDepth);
                    current.bars++;
                    current.sequence = 0;
                    current.sequenceDepth = 0;
                    current.last = 0;
                    current.lastDepth = 0;
                    i++;
                    continue;
                }
                case '*', '+', '?' -> {
                    repeat(current, add(current.last, 1), add(current.lastDepth, 1));
                    i = skipLazy(pattern, i + 1);
                    continue;
                }
                case '{' -> {
                    int[] counts = new int[2];
                    int end = repeatEnd(pattern, i, counts);
                    if (end > 0) {
                        long min = counts[0];
                        long max = counts[1];
                        long copies = max < 0 ? min + 1 : Math.max(max, 1);
                        long levels = max < 0 ? 1 : max - min;
                        // At least what the braces would cost as literal text, should RE2/J read them so.
                        long size = Math.max(multiply(copies, add(current.last, 1)), add(current.last, end - i));
                        repeat(current, size, add(current.lastDepth, levels));
                        i = skipLazy(pattern, end);
                        continue;
                    }
                    // not a repetition: a literal brace
                    atom(current, 1, 0);
                    i++;
                    continue;
                }
                default -> {
                    atom(current, 1, 0);
                    i += Character.charCount(pattern.codePointAt(i));
                    continue;
                }
            }
        }
        while (!open.isEmpty()) {
            // an unclosed group: RE2/J refuses it; close it here so the figures stay upper bounds
            long size = total(current) + 2;
            long depth = depthOf(current) + 1;
            current = open.pop();
            atom(current, size, depth);
        }
        // the whole pattern is wrapped like a group, plus the program's fail and match instructions
        return new RegexCost(add(total(current), 4), depthOf(current) + 1);
    }

    private static void atom(Group group, long size, long depth) {
        group.sequence = add(group.sequence, size);
        group.sequenceDepth = Math.max(group.sequenceDepth, depth);
        group.last = size;
        group.lastDepth = depth;
    }

    private static void repeat(Group group, long size, long depth) {
        group.sequence = add(group.sequence - group.last, size);
        group.sequenceDepth = Math.max(group.sequenceDepth, depth);
        group.last = size;
        group.lastDepth = depth;
    }

    private static long total(Group group) {
        return add(add(group.finished, alternative(group)), group.bars);
    }

    /** The current alternative: an empty one still compiles to an instruction (an empty match). */
    private static long alternative(Group group) {
        return Math.max(1, group.sequence);
    }

    private static long depthOf(Group group) {
        return Math.max(group.finishedDepth, group.sequenceDepth) + (group.bars > 0 ? 1 : 0);
    }

    private static long add(long a, long b) {
        return Math.min(SATURATED, a + b);
    }

    private static long multiply(long a, long b) {
        return a == 0 || b <= SATURATED / a ? Math.min(SATURATED, a * b) : SATURATED;
    }

    /** A backslash sequence: returns the index after it. */
    private static int skipEscape(String pattern, int at) {
        int n = pattern.length();
        int i = at + 1;
        if (i >= n) {
            return n;
        }
        char c = pattern.charAt(i);
        if (c == 'Q') {
            // \Q...\E: everything up to \E (or the end) is literal, as RE2/J reads it
            int end = pattern.indexOf("\\E", i + 1);
            return end < 0 ? n : end + 2;
        }
        if ((c == 'p' || c == 'P' || c == 'x') && i + 1 < n && pattern.charAt(i + 1) == '{') {
            int end = pattern.indexOf('}', i + 2);
            return end < 0 ? n : end + 1;
        }
        return i + Character.charCount(pattern.codePointAt(i));
    }

    /**
     * A character class from its '[': returns the index after its ']'. Item by item as RE2/J reads
     * them: a POSIX name {@code [:alpha:]}, or one character (or escape) with an optional range end
     * after '-', which may itself be '[' ({@code [>-[]}).
     */
    private static int skipClass(String pattern, int at) {
        int n = pattern.length();
        int i = at + 1;
        if (i < n && pattern.charAt(i) == '^') {
            i++;
        }
        boolean first = true;
        while (i < n && (pattern.charAt(i) != ']' || first)) {
            first = false;
            if (pattern.startsWith("[:", i)) {
                int close = pattern.indexOf(":]", i + 2);
                if (close >= 0) {
                    i = close + 2;
                    continue;
                }
            }
            i = skipClassChar(pattern, i);
            if (i < n && pattern.charAt(i) == '-' && !(i + 1 < n && pattern.charAt(i + 1) == ']')) {
                i = skipClassChar(pattern, i + 1);
            }
        }
        return Math.min(n, i + 1);
    }

    private static int skipClassChar(String pattern, int at) {
        if (at >= pattern.length()) {
            return at;
        }
        return pattern.charAt(at) == '\\' ? skipEscape(pattern, at) : at + Character.charCount(pattern.codePointAt(at));
    }

    /** After "(?": the index of the ')' ending a flag group, or of the ':' or '>' opening a group. */
    private static int flagsEnd(String pattern, int from) {
        int n = pattern.length();
        int i = from;
        while (i < n) {
            char c = pattern.charAt(i);
            if (c == ')' || c == ':' || c == '>') {
                return i;
            }
            i++;
        }
        return n;
    }

    /** Skips the '?' that makes a repetition lazy. */
    private static int skipLazy(String pattern, int at) {
        return at < pattern.length() && pattern.charAt(at) == '?' ? at + 1 : at;
    }

    /**
     * Reads {n}, {n,} or {n,m} at a '{', as RE2/J does; fills {@code counts} (max -1 for none) and
     * returns the index after the '}', or -1 when the brace is a literal. Counts above 1000 are
     * refused by RE2/J; here they are capped at a large number so they still measure as huge.
     */
    private static int repeatEnd(String pattern, int at, int[] counts) {
        int n = pattern.length();
        int i = at + 1;
        int digits = digitsEnd(pattern, i);
        if (digits == i) {
            return -1;
        }
        counts[0] = number(pattern, i, digits);
        i = digits;
        if (i < n && pattern.charAt(i) == '}') {
            counts[1] = counts[0];
            return i + 1;
        }
        if (i >= n || pattern.charAt(i) != ',') {
            return -1;
        }
        i++;
        if (i < n && pattern.charAt(i) == '}') {
            counts[1] = -1;
            return i + 1;
        }
        int maxEnd = digitsEnd(pattern, i);
        if (maxEnd == i || maxEnd >= n || pattern.charAt(maxEnd) != '}') {
            return -1;
        }
        counts[1] = number(pattern, i, maxEnd);
        return maxEnd + 1;
    }

    /** The end of a number as RE2/J reads one: a leading zero followed by digits is no number (returns from). */
    private static int digitsEnd(String pattern, int from) {
        int i = from;
        while (i < pattern.length() && pattern.charAt(i) >= '0' && pattern.charAt(i) <= '9') {
            i++;
        }
        return i - from > 1 && pattern.charAt(from) == '0' ? from : i;
    }

    private static int number(String pattern, int from, int to) {
        // more than 7 digits is refused by RE2/J anyway; cap so the figure stays huge but finite
        return to - from > 7 ? 10_000_000 : Integer.parseInt(pattern, from, to, 10);
    }
}
