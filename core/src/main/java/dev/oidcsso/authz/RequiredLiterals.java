package dev.oidcsso.authz;

import java.util.ArrayList;
import java.util.List;

/**
 * The literal text every whole-name match of a pattern must contain: a prefix the name starts with,
 * a suffix it ends with, and factors it contains. A cheap {@code startsWith}/{@code contains} then
 * rules out most rules before their regular expression runs.
 *
 * <p>RE2/J does not expose its parse tree, so the pattern's source is read here, conservatively:
 * only what lies at the top level (outside groups), is written literally and is repeated exactly
 * once counts. Anything this reader does not fully understand (case-insensitive or other flags,
 * top-level alternation, {@code \Q...\E}, octal or other unusual escapes, a brace that is no
 * repetition) yields {@link #NONE}, which admits every name: the regular expression then decides
 * alone, exactly as without the filter. A filter may admit a name the pattern does not match; it
 * never refuses one that it does.
 *
 * @param prefix  text every match starts with, possibly empty
 * @param suffix  text every match ends with, possibly empty
 * @param factors texts every match contains, each non-empty
 */
record RequiredLiterals(String prefix, String suffix, List<String> factors) {

    /** Nothing is known: every name is admitted. */
    static final RequiredLiterals NONE = new RequiredLiterals("", "", List.of());

    RequiredLiterals {
        factors = List.copyOf(factors);
    }

    /**
     * Whether a name may match the pattern.
     *
     * @param name the resource name
     * @return false only when no match is possible
     */
    boolean admits(String name) {
        if (!name.startsWith(prefix) || !name.endsWith(suffix)) {
            return false;
        }
        for (String factor : factors) {
            if (!name.contains(factor)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the required literals of an RE2 pattern that compiled.
     *
     * @param source the pattern's source
     * @return what every match contains, or {@link #NONE}
     */
    static RequiredLiterals of(String source) {
        try {
            return new Reader(source).read();
        } catch (Unsupported e) {
            return NONE;
        }
    }

    /** Thrown inside the reader for syntax it leaves to RE2 alone. */
    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /**
     * One top-level item: a literal character or anything else, and the fewest times it repeats.
     * Zero-width assertions ({@code ^ $ \b \A \z}) are non-literal with {@code min} 0 and
     * {@code zeroWidth} set.
     */
    private record Item(char literal, boolean isLiteral, int min, boolean exactlyOnce, boolean zeroWidth) {
    }

    private static final class Reader {
        private final String s;
        private int i;

        Reader(String s) {
            this.s = s;
        }

        RequiredLiterals read() throws Unsupported {
            List<Item> items = new ArrayList<>();
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '|') {
                    throw new Unsupported(); // a top-level alternative: nothing is required
                }
                if (c == ')' || c == '*' || c == '+' || c == '?' || c == '{') {
                    throw new Unsupported(); // no atom starts so: not what RE2 accepted as we read it
                }
                Item atom = atom();
                items.add(quantified(atom));
            }
            return literals(items);
        }

        /** Reads one atom at the current position, any depth of groups included. */
        private Item atom() throws Unsupported {
            char c = s.charAt(i);
            switch (c) {
                case '(' -> {
                    group();
                    return other();
                }
                case '[' -> {
                    characterClass();
                    return other();
                }
                case '.' -> {
                    i++;
                    return other();
                }
                case '^', '$' -> {
                    i++;
                    return zeroWidth();
                }
                case '\\' -> {
                    return escape();
                }
                case ']', '}' -> {
                    i++;
                    return other(); // literal in RE2, but unusual: not worth trusting
                }
                default -> {
                    if (Character.isSurrogate(c)) {
                        // One code point in two chars; a following quantifier repeats both.
                        i += (i + 1 < s.length() && Character.isSurrogatePair(c, s.charAt(i + 1))) ? 2 : 1;
                        return other();
                    }
                    i++;
                    return new Item(c, true, 1, true, false);
                }
            }
        }

        private static Item other() {
            return new Item('\0', false, 1, true, false);
        }

        private static Item zeroWidth() {
            return new Item('\0', false, 0, false, true);
        }

        private Item quantified(Item atom) throws Unsupported {
            if (i >= s.length()) {
                return atom;
            }
            char c = s.charAt(i);
            int min;
            if (c == '*' || c == '?') {
                min = 0;
                i++;
            } else if (c == '+') {
                min = 1;
                i++;
            } else if (c == '{') {
                min = repeatMin();
            } else {
                return atom;
            }
            if (i < s.length() && s.charAt(i) == '?') {
                i++; // non-greedy: the same matches as a whole
            }
            if (i < s.length() && "*+?{".indexOf(s.charAt(i)) >= 0) {
                throw new Unsupported();
            }
            if (atom.zeroWidth()) {
                return atom;
            }
            return new Item(atom.literal(), atom.isLiteral(), min, false, false);
        }

        /** {@code {n}}, {@code {n,}} or {@code {n,m}}: returns n; anything else is left to RE2. */
        private int repeatMin() throws Unsupported {
            int close = s.indexOf('}', i);
            if (close < 0) {
                throw new Unsupported();
            }
            String body = s.substring(i + 1, close);
            String min = body.contains(",") ? body.substring(0, body.indexOf(',')) : body;
            String max = body.contains(",") ? body.substring(body.indexOf(',') + 1) : "";
            if (min.isEmpty() || !digits(min) || !(max.isEmpty() || digits(max)) || min.length() > 4) {
                throw new Unsupported();
            }
            i = close + 1;
            return Integer.parseInt(min);
        }

        private static boolean digits(String text) {
            return text.chars().allMatch(ch -> ch >= '0' && ch <= '9');
        }

        /** Skips a group and everything in it; flags are left to RE2. */
        private void group() throws Unsupported {
            i++; // (
            if (s.startsWith("?", i)) {
                if (s.startsWith("?:", i)) {
                    i += 2;
                } else if (s.startsWith("?P<", i) || s.startsWith("?<", i)) {
                    int close = s.indexOf('>', i);
                    if (close < 0) {
                        throw new Unsupported();
                    }
                    i = close + 1;
                } else {
                    throw new Unsupported(); // (?i) and friends change what a literal means
                }
            }
            while (i < s.length() && s.charAt(i) != ')') {
                char c = s.charAt(i);
                if (c == '|') {
                    i++;
                } else {
                    atom();
                    if (i < s.length()) {
                        quantified(new Item('\0', false, 1, true, false));
                    }
                }
            }
            if (i >= s.length()) {
                throw new Unsupported();
            }
            i++; // )
        }

        private void characterClass() throws Unsupported {
            i++; // [
            if (i < s.length() && s.charAt(i) == '^') {
                i++;
            }
            if (i < s.length() && s.charAt(i) == ']') {
                i++; // a leading ] is a member
            }
            while (i < s.length() && s.charAt(i) != ']') {
                if (s.charAt(i) == '\\') {
                    escape();
                } else if (s.startsWith("[:", i)) {
                    int close = s.indexOf(":]", i + 2);
                    if (close < 0) {
                        throw new Unsupported();
                    }
                    i = close + 2;
                } else {
                    i++;
                }
            }
            if (i >= s.length()) {
                throw new Unsupported();
            }
            i++; // ]
        }

        private Item escape() throws Unsupported {
            if (i + 1 >= s.length()) {
                throw new Unsupported();
            }
            char c = s.charAt(i + 1);
            i += 2;
            switch (c) {
                case 'd', 'D', 's', 'S', 'w', 'W', 'a', 'f', 't', 'n', 'r', 'v' -> {
                    return other();
                }
                case 'b', 'B', 'A', 'z' -> {
                    return zeroWidth();
                }
                case 'p', 'P' -> {
                    skipBracedOrOne();
                    return other();
                }
                case 'x' -> {
                    if (i < s.length() && s.charAt(i) == '{') {
                        skipBracedOrOne();
                    } else {
                        i += 2;
                    }
                    if (i > s.length()) {
                        throw new Unsupported();
                    }
                    return other();
                }
                default -> {
                    if (c < 0x80 && !Character.isLetterOrDigit(c) && c > ' ') {
                        return new Item(c, true, 1, true, false); // escaped punctuation is itself
                    }
                    throw new Unsupported(); // \Q, \C, octal and the like
                }
            }
        }

        private void skipBracedOrOne() throws Unsupported {
            if (i >= s.length()) {
                throw new Unsupported();
            }
            if (s.charAt(i) == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw new Unsupported();
                }
                i = close + 1;
            } else {
                i++;
            }
        }

        private static RequiredLiterals literals(List<Item> items) {
            // Leading and trailing zero-width assertions consume nothing.
            int first = 0;
            while (first < items.size() && items.get(first).zeroWidth()) {
                first++;
            }
            int last = items.size() - 1;
            while (last >= first && items.get(last).zeroWidth()) {
                last--;
            }
            StringBuilder prefix = new StringBuilder();
            int k = first;
            while (k <= last && exactLiteral(items.get(k))) {
                prefix.append(items.get(k).literal());
                k++;
            }
            StringBuilder suffix = new StringBuilder();
            int m = last;
            while (m >= first && m >= k && exactLiteral(items.get(m))) {
                suffix.append(items.get(m).literal());
                m--;
            }
            suffix.reverse();
            if (k > last) {
                // the whole pattern is literal: the prefix says it all
                return new RequiredLiterals(prefix.toString(), "", List.of());
            }
            List<String> factors = new ArrayList<>();
            StringBuilder run = new StringBuilder();
            for (int j = k; j <= m; j++) {
                Item item = items.get(j);
                if (exactLiteral(item)) {
                    run.append(item.literal());
                } else {
                    addRun(factors, run);
                    if (item.isLiteral() && item.min() >= 1) {
                        run.append(item.literal()); // x+ and x{2,}: one x at least, alone
                        addRun(factors, run);
                    }
                }
            }
            addRun(factors, run);
            return new RequiredLiterals(prefix.toString(), suffix.toString(), factors);
        }

        private static boolean exactLiteral(Item item) {
            return item.isLiteral() && item.exactlyOnce();
        }

        private static void addRun(List<String> factors, StringBuilder run) {
            if (run.length() > 0) {
                factors.add(run.toString());
                run.setLength(0);
            }
        }
    }
}
