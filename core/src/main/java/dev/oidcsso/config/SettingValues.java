package dev.oidcsso.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The raw settings after every source has been merged, by canonical name. Immutable; its
 * {@link #toString()} redacts secrets.
 */
public final class SettingValues {

    private final Map<String, String> values;

    private SettingValues(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /**
     * Creates the value from a map; blank values count as absent.
     *
     * @param values setting names to values
     * @return the immutable settings
     */
    public static SettingValues of(Map<String, String> values) {
        Map<String, String> copy = new TreeMap<>();
        values.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                copy.put(name, value.trim());
            }
        });
        return new SettingValues(copy);
    }

    /**
     * One setting.
     *
     * @param name the setting's name
     * @return its value, or empty when unset or blank
     */
    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * One setting as a list: items separated by commas (or spaces, when {@code spaces} is true),
     * trimmed, empty items dropped.
     *
     * @param name   the setting's name
     * @param spaces whether spaces separate items too
     * @return the items, empty when unset
     */
    public List<String> list(String name, boolean spaces) {
        return get(name).map(value -> splitList(value, spaces)).orElse(List.of());
    }

    /**
     * Splits a list setting.
     *
     * @param value  the raw value
     * @param spaces whether spaces separate items too
     * @return the trimmed, non-empty items
     */
    public static List<String> splitList(String value, boolean spaces) {
        return java.util.Arrays.stream(value.split(spaces ? "[,\\s]+" : ","))
                .map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /**
     * Every setting, for plugins that read their own names. Contains secrets: never log it.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + (SettingNames.isSecret(e.getKey()) ? "[redacted]" : e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
