package dev.oidcsso.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' temporary data directories (embedded H2 files), removed when a run ends. */
final class TempDirectories {

    private TempDirectories() {
    }

    /**
     * Deletes a directory and everything in it, deepest first.
     *
     * @param dir the directory
     * @throws IOException if a file cannot be deleted
     */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
