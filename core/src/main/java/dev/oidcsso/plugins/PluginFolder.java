package dev.oidcsso.plugins;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The jar files of the plugin folder ({@code OIDC_PLUGIN_DIR}), in name order so that class
 * loading does not depend on the file system's listing order.
 */
public final class PluginFolder {

    private PluginFolder() {
    }

    /**
     * Lists the folder's jars.
     *
     * @param folder   the plugin folder
     * @param problems where a folder that cannot be listed is reported, naming {@code OIDC_PLUGIN_DIR}
     * @return the jars' URLs, sorted by file name; empty when the folder cannot be listed
     */
    public static Optional<List<URL>> jars(Path folder, List<String> problems) {
        if (!Files.isDirectory(folder)) {
            problems.add(PluginKind.PLUGIN_DIR + "='" + folder + "' is not a readable folder");
            return Optional.empty();
        }
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            problems.add(PluginKind.PLUGIN_DIR + "='" + folder + "' cannot be listed: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
        return Optional.of(jars);
    }
}
