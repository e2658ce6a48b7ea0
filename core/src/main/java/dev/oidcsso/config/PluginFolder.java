package dev.oidcsso.config;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
     * @param folder the plugin folder
     * @return the jars' URLs, sorted by file name
     * @throws SettingsException naming {@code OIDC_PLUGIN_DIR} when the folder cannot be listed
     */
    public static List<URL> jars(Path folder) {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw new SettingsException(SettingNames.PLUGIN_DIR + "='" + folder + "' cannot be listed: " + e.getClass().getSimpleName());
        }
        return jars;
    }
}
