package dev.oidcsso.store.jdbc;

import dev.oidcsso.config.SettingValues;
import dev.oidcsso.config.StoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default store: an H2 file under {@code OIDC_DATA_DIR}, with no database server to set up. */
class EmbeddedDatabaseTest {

    @Test
    void theEmbeddedDatabaseLivesUnderTheDataDirAndKeepsItsData(@TempDir Path folder) {
        Path dataDir = folder.resolve("nested/data");
        StoreSettings settings = StoreSettings.from(SettingValues.of(Map.of(StoreSettings.DATA_DIR, dataDir.toString())));
        try (Database db = Database.open(settings)) {
            db.users().recordLogin("alice", "Alice", "", Set.of("ml"));
        }
        assertTrue(Files.exists(dataDir.resolve("oidc-sso.mv.db")));
        try (Database db = Database.open(settings)) {
            assertEquals(Set.of("ml"), db.users().find("alice").orElseThrow().groups());
        }
    }
}
