package dev.oidcsso.testing.stub;

import dev.oidcsso.config.OidcSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a configuration file of {@code examples/config/} the way an operator would, with its
 * {@code <placeholder>} values filled in, so that tests keep those files correct.
 */
public final class ExampleConfig {

    private ExampleConfig() {
    }

    /**
     * Builds settings from {@code examples/config/<name>.properties} (found from a module's folder),
     * with each {@code <sample value>} replaced by the sample value itself and then {@code overrides}
     * applied, as an operator's environment would.
     *
     * @param name      the file's base name, for example {@code okta}
     * @param directory where to write the filled-in copy
     * @param overrides settings that win over the file (secrets, values whose placeholder is prose)
     * @return the settings
     */
    public static OidcSettings load(String name, Path directory, Map<String, String> overrides) {
        Path source = Path.of("..", "examples", "config", name + ".properties");
        try {
            String filled = Files.readString(source).replaceAll("<([^>]*)>", "$1");
            Path copy = Files.writeString(directory.resolve(name + ".properties"), filled);
            return OidcSettings.builder().set("OIDC_CONFIG_FILE", copy.toString())
                    .set("OIDC_CLIENT_SECRET", "from-the-environment").setAll(overrides).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
