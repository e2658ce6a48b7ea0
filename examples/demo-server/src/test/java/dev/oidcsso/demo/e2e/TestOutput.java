package dev.oidcsso.demo.e2e;

import java.nio.file.Path;
import java.util.Optional;

/** Where end-to-end tests write logs, profiles and failure evidence: below the module's {@code target/}. */
public final class TestOutput {

    private TestOutput() {
    }

    /**
     * @param name a directory name
     * @return {@code target/<name>} of the module under test (Surefire sets {@code basedir})
     */
    public static Path directory(String name) {
        return Optional.ofNullable(System.getProperty("basedir")).map(Path::of).orElse(Path.of("")).toAbsolutePath()
                .resolve("target").resolve(name);
    }
}
