package dev.oidcsso.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsing every settings group shares. Each method reports an unusable value in
 * {@code problems}, naming the setting, and returns a default so that parsing goes on and every
 * problem is found in one pass.
 */
final class SettingParsers {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    private SettingParsers() {
    }

    static String required(SettingValues values, String name, String what, List<String> problems) {
        return values.get(name).orElseGet(() -> {
            problems.add(name + " is not set: give " + what);
            return "";
        });
    }

    static List<String> listOrDefault(SettingValues values, String name, List<String> fallback) {
        List<String> list = values.list(name, false);
        return list.isEmpty() ? fallback : list;
    }

    static URI absoluteUri(String name, String text, List<String> problems) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the same message as any other unusable URL
        }
        problems.add(name + "='" + text + "' is not an absolute http(s) URL without a fragment");
        return null;
    }

    static Optional<Duration> parseDuration(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(trimmed);
        if (matcher.matches()) {
            long amount;
            try {
                amount = Long.parseLong(matcher.group(1));
            } catch (NumberFormatException e) {
                return Optional.empty(); // more digits than a long holds
            }
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            try {
                return Optional.of(switch (unit) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    case "d" -> Duration.ofDays(amount);
                    default -> Duration.ofSeconds(amount);
                });
            } catch (ArithmeticException e) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Duration.parse(text.trim().toUpperCase(Locale.ROOT)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static Duration duration(SettingValues values, String name, Duration fallback, List<String> problems) {
        return values.get(name).map(text -> parseDuration(text).filter(d -> !d.isNegative()).orElseGet(() -> {
            problems.add(name + "='" + text + "' is not a duration such as 30s, 15m or 8h");
            return fallback;
        })).orElse(fallback);
    }

    static Duration duration(SettingValues values, String name, Duration fallback, Duration min, Duration max,
                             List<String> problems) {
        return values.get(name).map(text -> parseDuration(text)
                .filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0)
                .orElseGet(() -> {
                    problems.add(name + "='" + text + "' is not a duration between " + min.toMillis() + "ms and "
                            + max.toMillis() + "ms (for example 250ms, 3s)");
                    return fallback;
                })).orElse(fallback);
    }

    static int integer(SettingValues values, String name, int fallback, int min, int max, List<String> problems) {
        return values.get(name).map(text -> {
            try {
                int value = Integer.parseInt(text.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(name + "='" + text + "' is not a whole number between " + min + " and " + max);
            return fallback;
        }).orElse(fallback);
    }

    static boolean bool(SettingValues values, String name, boolean fallback, List<String> problems) {
        return values.get(name).map(text -> switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(name + "='" + text + "' must be true or false");
                yield fallback;
            }
        }).orElse(fallback);
    }
}
