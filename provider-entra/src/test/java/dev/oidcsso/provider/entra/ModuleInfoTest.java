package dev.oidcsso.provider.entra;

import dev.oidcsso.testing.ModuleServices;
import org.junit.jupiter.api.Test;

/** The module descriptor and the service files AutoService generates name the same implementations. */
class ModuleInfoTest {

    @Test
    void providesAgreesWithTheServiceFiles() {
        ModuleServices.assertProvidesAgreeWithServiceFiles(EntraProfile.class);
    }
}
