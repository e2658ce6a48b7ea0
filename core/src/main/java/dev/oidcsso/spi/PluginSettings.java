package dev.oidcsso.spi;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The settings one plugin receives: only those it declared in {@link PluginFactory#settingNames()},
 * by their configuration names ({@code OIDC_GOOGLE_GROUP_MAPPING}). Immutable; blank values count as
 * absent. {@link #toString()} shows the names only, since a plugin may have asked for a secret.
 */
public final class PluginSettings {

    private static final PluginSettings EMPTY = new PluginSettings(Map.of());

    private final Map<String, String> values;

    private PluginSettings(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Creates the settings from a map; blank values are dropped and the others trimmed.
     *
     * @param values setting names to values
     * @return the settings
     */
    public static PluginSettings of(Map<String, String> values) {
        Map<String, String> copy = new TreeMap<>();
        values.forEach((name, value) -> {
            if (name != null && value != null && !value.isBlank()) {
                copy.put(name, value.trim());
            }
        });
        return copy.isEmpty() ? EMPTY : new PluginSettings(Collections.unmodifiableMap(copy));
    }

    /**
     * No settings at all.
     *
     * @return the empty settings
     */
    public static PluginSettings empty() {
        return EMPTY;
    }

    /**
     * Whether a declaration names a setting: an exact name, or a prefix ending in {@code *}
     * ({@code OIDC_GOOGLE_*}).
     *
     * @param declared the declared names and prefixes
     * @param name     a setting's name
     * @return true when the declaration covers it
     */
    public static boolean declares(Set<String> declared, String name) {
        for (String entry : declared) {
            if (entry.endsWith("*") ? name.startsWith(entry.substring(0, entry.length() - 1)) : entry.equals(name)) {
                return true;
            }
        }
        return false;
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
     * One setting, or a default.
     *
     * @param name     the setting's name
     * @param fallback the value when unset
     * @return the value or the fallback
     */
    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * One setting as a list: items separated by commas (or spaces too, when {@code spaces} is
     * true), trimmed, empty items dropped.
     *
     * @param name   the setting's name
     * @param spaces whether spaces separate items too
     * @return the items, empty when unset
     */
    public List<String> list(String name, boolean spaces) {
        return get(name).map(value -> Arrays.stream(value.split(spaces ? "[,\\s]+" : ","))
                .map(String::trim).filter(item -> !item.isEmpty()).toList()).orElse(List.of());
    }

    /**
     * Every setting this plugin received. May hold a secret it asked for: never log the values.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.keySet().stream().collect(Collectors.joining(", ", "PluginSettings[", "]"));
    }
}
