package dev.oidcsso.plugins;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The implementations of one SPI found on a class loader, by name. A jar whose service entry is
 * broken is reported and skipped, so that it cannot hide the others; two implementations claiming
 * one name, or a name that nothing claims, fail start-up with both class names or the list of known
 * names, because a security framework must never guess which implementation runs.
 *
 * @param <T> the SPI type
 */
public final class NamedServices<T> {

    private static final Logger LOG = LoggerFactory.getLogger(NamedServices.class);

    private static final int MAX_LOAD_ERRORS = 100;

    private final String kind;
    private final String settingName;
    private final Map<String, T> byName;
    private final Map<String, String> conflicts;

    private NamedServices(String kind, String settingName, Map<String, T> byName, Map<String, String> conflicts) {
        this.kind = kind;
        this.settingName = settingName;
        this.byName = Collections.unmodifiableMap(byName);
        this.conflicts = Collections.unmodifiableMap(conflicts);
    }

    /**
     * Finds the implementations of {@code type} with {@link ServiceLoader}; a broken entry is logged
     * with its cause and skipped.
     *
     * @param type   the SPI interface
     * @param loader the class loader to search
     * @param kind   what the SPI is called in the log, for example {@code group detector}
     * @param <T>    the SPI type
     * @return the implementations, in discovery order
     */
    public static <T> List<T> find(Class<T> type, ClassLoader loader, String kind) {
        List<T> found = new ArrayList<>();
        Iterator<T> iterator = ServiceLoader.load(type, loader).iterator();
        int errors = 0;
        // The bound guards against a service file so broken that the iterator cannot move past it.
        while (errors < MAX_LOAD_ERRORS) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.add(iterator.next());
            } catch (ServiceConfigurationError error) {
                errors++;
                LOG.error("A {} could not be loaded and is skipped: {}", kind, error.getMessage());
            }
        }
        return found;
    }

    /**
     * Loads the implementations of {@code type} with {@link ServiceLoader} and indexes them by name.
     *
     * @param type        the SPI interface
     * @param loader      the class loader to search
     * @param names       the names (name and aliases) each implementation claims
     * @param kind        what the SPI is called in messages, for example {@code group detector}
     * @param settingName the setting that selects an implementation, for messages
     * @param <T>         the SPI type
     * @return the implementations by name
     */
    public static <T> NamedServices<T> load(Class<T> type, ClassLoader loader, Function<T, Collection<String>> names,
                                            String kind, String settingName) {
        return of(find(type, loader, kind), names, service -> service.getClass().getName(), kind, settingName);
    }

    /**
     * Indexes the given implementations by name.
     *
     * @param found       the implementations
     * @param names       the names each claims
     * @param className   the class to name in a conflict (a wrapper names what it wraps)
     * @param kind        what the SPI is called in messages
     * @param settingName the setting that selects an implementation
     * @param <T>         the SPI type
     * @return the implementations by name
     */
    public static <T> NamedServices<T> of(List<T> found, Function<T, Collection<String>> names, Function<T, String> className,
                                          String kind, String settingName) {
        Map<String, T> byName = new LinkedHashMap<>();
        Map<String, String> conflicts = new LinkedHashMap<>();
        for (T service : found) {
            for (String name : names.apply(service)) {
                String key = name.toLowerCase(Locale.ROOT);
                T previous = byName.putIfAbsent(key, service);
                if (previous != null && !className.apply(previous).equals(className.apply(service))) {
                    conflicts.put(key, "two " + kind + "s claim the name '" + key + "': "
                            + className.apply(previous) + " and " + className.apply(service)
                            + "; remove one of their jars from the class path or plugin folder");
                }
            }
        }
        return new NamedServices<>(kind, settingName, byName, conflicts);
    }

    /**
     * Selects an implementation by name (case-insensitive).
     *
     * @param name     the configured name
     * @param problems where an unknown or ambiguous name is reported, naming the setting and the
     *                 known names or both classes
     * @return the implementation, or empty when the name is unknown or claimed twice
     */
    public Optional<T> select(String name, List<String> problems) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (conflicts.containsKey(key)) {
            problems.add(conflicts.get(key));
            return Optional.empty();
        }
        T service = byName.get(key);
        if (service == null) {
            problems.add(settingName + "='" + name + "' names no known " + kind + "; known: " + known());
        }
        return Optional.ofNullable(service);
    }

    /**
     * Looks an implementation up without reporting anything.
     *
     * @param name the name
     * @return the implementation, if one claims the name
     */
    public Optional<T> find(String name) {
        return Optional.ofNullable(byName.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /**
     * The distinct implementations, in discovery order.
     *
     * @return the implementations
     */
    public List<T> all() {
        return byName.values().stream().distinct().toList();
    }

    /**
     * The known names, sorted, for messages.
     *
     * @return for example {@code claim, userinfo}
     */
    public String known() {
        return byName.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(byName.keySet()));
    }

    /**
     * Names claimed by two implementations, with the message naming both; selecting one fails.
     *
     * @return conflicting names to their messages
     */
    public Map<String, String> conflicts() {
        return conflicts;
    }
}
