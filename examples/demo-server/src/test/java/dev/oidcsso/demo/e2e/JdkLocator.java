package dev.oidcsso.demo.e2e;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds a JDK of at least a given feature version on this machine, for a child process that needs
 * a newer Java than the build (Keycloak 26 needs 21+, the project builds on 17).
 *
 * <p>Looked at in this order, the first good one wins: the system property
 * {@value #PROPERTY}, the environment variable {@value #ENVIRONMENT}, {@code JAVA_HOME}, the JDK
 * running the tests, then the newest qualifying JDK in the usual install locations (Debian and Red
 * Hat packages, Adoptium, SDKMAN!, macOS). An explicit setting that does not qualify is an error,
 * not silently skipped: whoever set it meant it.
 */
final class JdkLocator {

    /** System property naming the JDK to use. */
    static final String PROPERTY = "keycloak.java.home";
    /** Environment variable naming the JDK to use. */
    static final String ENVIRONMENT = "KEYCLOAK_JAVA_HOME";

    /** Where JDKs are usually installed; each is a directory of JDK homes. */
    private static final List<String> INSTALL_ROOTS = List.of(
            "/usr/lib/jvm", "/usr/java", "/opt/java", "/opt", "/usr/local/lib/jvm",
            System.getProperty("user.home") + "/.sdkman/candidates/java",
            System.getProperty("user.home") + "/.jdks",
            "/Library/Java/JavaVirtualMachines");

    private JdkLocator() {
    }

    /** A JDK home and its feature version. */
    record Jdk(Path home, int feature) {

        /** @return the {@code java} launcher of this JDK */
        Path java() {
            return home.resolve("bin").resolve("java");
        }
    }

    /**
     * Finds a JDK of at least {@code minimum}.
     *
     * @param minimum the lowest acceptable feature version, such as 21
     * @return the JDK, or a message saying what was looked at and how to provide one
     */
    static Result find(int minimum) {
        List<String> looked = new ArrayList<>();
        for (String[] explicit : new String[][] {
                {"system property " + PROPERTY, System.getProperty(PROPERTY)},
                {"environment variable " + ENVIRONMENT, System.getenv(ENVIRONMENT)}}) {
            if (explicit[1] != null && !explicit[1].isBlank()) {
                Optional<Jdk> jdk = inspect(Path.of(explicit[1].trim()));
                if (jdk.isPresent() && jdk.get().feature() >= minimum) {
                    return new Result(jdk, "");
                }
                return new Result(Optional.empty(), explicit[0] + " is " + explicit[1] + ", which is "
                        + jdk.map(j -> "Java " + j.feature()).orElse("not a JDK home (no bin/java and release file)")
                        + "; it must name a JDK " + minimum + " or newer");
            }
        }
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv("JAVA_HOME")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
        candidates.add(Path.of(System.getProperty("java.home")));
        for (Path candidate : candidates) {
            Optional<Jdk> jdk = inspect(candidate);
            if (jdk.isPresent() && jdk.get().feature() >= minimum) {
                return new Result(jdk, "");
            }
            looked.add(candidate + jdk.map(j -> " (Java " + j.feature() + ")").orElse(""));
        }
        Optional<Jdk> installed = INSTALL_ROOTS.stream().map(Path::of).flatMap(root -> homesUnder(root).stream())
                .map(JdkLocator::inspect).flatMap(Optional::stream)
                .filter(jdk -> jdk.feature() >= minimum)
                .max(Comparator.comparingInt(Jdk::feature).thenComparing(jdk -> jdk.home().toString()));
        if (installed.isPresent()) {
            return new Result(installed, "");
        }
        looked.add(String.join(", ", INSTALL_ROOTS) + " (every JDK home below them)");
        return new Result(Optional.empty(), "No JDK " + minimum + "+ found; Keycloak " + System.getProperty("keycloak.version", "26")
                + " needs one. Looked at: " + String.join("; ", looked) + ". Install one (for example Temurin 21 or 25 under /usr/lib/jvm) "
                + "or point " + ENVIRONMENT + " (or -D" + PROPERTY + ") at its home.");
    }

    /** The outcome of {@link #find}: a JDK, or why there is none. */
    record Result(Optional<Jdk> jdk, String problem) {
    }

    private static List<Path> homesUnder(Path root) {
        List<Path> homes = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return homes;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                homes.add(child);
                // macOS bundles keep the home one level deeper.
                homes.add(child.resolve("Contents").resolve("Home"));
            }
        } catch (IOException e) {
            // An unreadable install root simply holds no usable JDK.
        }
        return homes;
    }

    /** Reads {@code JAVA_VERSION} from a JDK's {@code release} file: cheaper and safer than running it. */
    static Optional<Jdk> inspect(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin").resolve("java"))) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(release, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return featureVersion(props.getProperty("JAVA_VERSION", "")).map(feature -> new Jdk(home.toAbsolutePath().normalize(), feature));
    }

    /**
     * The feature version of a {@code JAVA_VERSION} value: {@code "25.0.3"} is 25, {@code "1.8.0_402"} is 8.
     *
     * @param value the value, quoted or not
     * @return the feature version, or empty when it cannot be read
     */
    static Optional<Integer> featureVersion(String value) {
        String text = value.replace("\"", "").trim();
        if (text.startsWith("1.")) {
            text = text.substring(2);
        }
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return end == 0 ? Optional.empty() : Optional.of(Integer.parseInt(text.substring(0, end)));
    }
}
