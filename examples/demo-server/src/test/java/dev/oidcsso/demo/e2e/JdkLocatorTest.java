package dev.oidcsso.demo.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the harness tells a JDK home and its version, without running it. */
class JdkLocatorTest {

    @Test
    void theFeatureVersionIsReadFromTheReleaseFilesJavaVersion() {
        assertEquals(Optional.of(25), JdkLocator.featureVersion("\"25.0.3\""));
        assertEquals(Optional.of(21), JdkLocator.featureVersion("21"));
        assertEquals(Optional.of(17), JdkLocator.featureVersion("\"17.0.13\""));
        assertEquals(Optional.of(8), JdkLocator.featureVersion("\"1.8.0_402\""));
        assertEquals(Optional.empty(), JdkLocator.featureVersion(""));
        assertEquals(Optional.empty(), JdkLocator.featureVersion("\"ea\""));
    }

    @Test
    void aJdkHomeNeedsAReleaseFileAndAnExecutableJava(@TempDir Path dir) throws IOException {
        Path home = fakeJdk(dir.resolve("jdk-21"), "21.0.5");
        assertEquals(Optional.of(new JdkLocator.Jdk(home.toAbsolutePath().normalize(), 21)), JdkLocator.inspect(home));

        Path noJava = dir.resolve("jre-without-launcher");
        Files.createDirectories(noJava);
        Files.writeString(noJava.resolve("release"), "JAVA_VERSION=\"21\"\n");
        assertTrue(JdkLocator.inspect(noJava).isEmpty());
        assertTrue(JdkLocator.inspect(dir.resolve("missing")).isEmpty());
    }

    @Test
    void theJdkRunningTheTestsIsRecognised() {
        Optional<JdkLocator.Jdk> running = JdkLocator.inspect(Path.of(System.getProperty("java.home")));
        assertEquals(Optional.of(Runtime.version().feature()), running.map(JdkLocator.Jdk::feature));
    }

    private static Path fakeJdk(Path home, String version) throws IOException {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        assertTrue(java.toFile().setExecutable(true));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
