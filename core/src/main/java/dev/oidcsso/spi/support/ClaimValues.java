package dev.oidcsso.spi.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads claim values as JSON parsers produce them ({@code String}, {@code Boolean}, {@code Number},
 * lists, maps), tolerating the ways IdPs differ: a list claim sent as a single string, a boolean
 * sent as {@code "true"}.
 */
public final class ClaimValues {

    private ClaimValues() {
    }

    /**
     * A claim as a list of strings: a string is a list of one, a list keeps its string and number
     * items; anything else is empty.
     *
     * @param value the claim's value, possibly {@code null}
     * @return the strings, never {@code null}
     */
    public static List<String> strings(Object value) {
        if (value instanceof String text) {
            return text.isEmpty() ? List.of() : List.of(text);
        }
        if (value instanceof Collection<?> items) {
            List<String> result = new ArrayList<>(items.size());
            for (Object item : items) {
                if (item instanceof String || item instanceof Number) {
                    result.add(String.valueOf(item));
                }
            }
            return List.copyOf(result);
        }
        return List.of();
    }

    /**
     * A claim as a string.
     *
     * @param value the claim's value, possibly {@code null}
     * @return the string, or empty when it is not a non-empty string
     */
    public static Optional<String> string(Object value) {
        return value instanceof String text && !text.isEmpty() ? Optional.of(text) : Optional.empty();
    }

    /**
     * Whether a claim is true: the boolean {@code true} or the string {@code "true"} (some IdPs,
     * Google's older UserInfo among them, send booleans as strings).
     *
     * @param value the claim's value, possibly {@code null}
     * @return true only for a true value
     */
    public static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value)
                || value instanceof String text && text.trim().toLowerCase(Locale.ROOT).equals("true");
    }
}
