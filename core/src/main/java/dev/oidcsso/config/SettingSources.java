package dev.oidcsso.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The sources of the settings, and their merge. Lowest precedence first: the provider profile's
 * defaults (added later, once the profile is known), the properties file named by
 * {@code OIDC_CONFIG_FILE}, the environment, Java system properties, and values set on the builder.
 * Names are canonical ({@code oidc.client.id} becomes {@code OIDC_CLIENT_ID}); from the environment
 * and system properties only the framework's own names are read.
 *
 * @param environment the environment's settings
 * @param properties  the system properties' settings
 * @param explicit    the builder's settings
 */
record SettingSources(Map<String, String> environment, Map<String, String> properties, Map<String, String> explicit) {

    SettingSources {
        environment = Map.copyOf(environment);
        properties = Map.copyOf(properties);
        explicit = Map.copyOf(explicit);
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> ours = new HashMap<>();
        env.forEach((name, value) -> {
            if (name != null && value != null && SettingNames.isOurs(name)) {
                ours.put(name, value);
            }
        });
        return ours;
    }

    static Map<String, String> fromProperties(Properties props) {
        Map<String, String> ours = new HashMap<>();
        props.stringPropertyNames().forEach(name -> {
            String canonical = SettingNames.canonical(name);
            if (SettingNames.isOurs(canonical)) {
                ours.put(canonical, props.getProperty(name));
            }
        });
        return ours;
    }

    /**
     * Merges the sources (the file's included).
     *
     * @param problems where an unreadable file is reported
     * @return the merged settings, without provider defaults
     */
    SettingValues merge(List<String> problems) {
        Map<String, String> merged = new LinkedHashMap<>();
        firstOf(SettingNames.CONFIG_FILE).ifPresent(path -> merged.putAll(readFile(Path.of(path), problems)));
        merged.putAll(environment);
        merged.putAll(properties);
        merged.putAll(explicit);
        return SettingValues.of(merged);
    }

    private Optional<String> firstOf(String name) {
        return Optional.ofNullable(explicit.get(name))
                .or(() -> Optional.ofNullable(properties.get(name)))
                .or(() -> Optional.ofNullable(environment.get(name)))
                .filter(value -> !value.isBlank());
    }

    private static Map<String, String> readFile(Path path, List<String> problems) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            problems.add(SettingNames.CONFIG_FILE + "='" + path + "' cannot be read as a properties file: "
                    + e.getClass().getSimpleName());
            return Map.of();
        }
        Map<String, String> values = new HashMap<>();
        props.stringPropertyNames().forEach(name -> values.put(SettingNames.canonical(name), props.getProperty(name)));
        return values;
    }
}
