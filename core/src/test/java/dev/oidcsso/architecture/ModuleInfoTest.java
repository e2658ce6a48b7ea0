package dev.oidcsso.architecture;

import dev.oidcsso.plugins.PluginCatalog;
import dev.oidcsso.testing.ModuleServices;
import dev.oidcsso.web.OidcSso;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Core's module descriptor: the API it exports, what it gives providers only, and its services. */
class ModuleInfoTest {

    private final ModuleDescriptor core = ModuleServices.descriptor(OidcSso.class);

    @Test
    void providesAgreesWithTheServiceFiles() {
        ModuleServices.assertProvidesAgreeWithServiceFiles(OidcSso.class);
    }

    @Test
    void everyPluginKindThatIsLoadedIsDeclaredInUses() {
        assertEquals(List.of("dev.oidcsso.groups.GroupDetector", "dev.oidcsso.spi.GroupDetectorFactory",
                "dev.oidcsso.spi.IdentitySourceFactory", "dev.oidcsso.spi.IdentityValidatorFactory",
                "dev.oidcsso.spi.ProviderProfileFactory"), ModuleServices.uses(OidcSso.class));
        assertEquals("dev.oidcsso.plugins", PluginCatalog.class.getPackageName(), "plugins are found in one place");
    }

    @Test
    void onlyTheApiPackagesAreExportedToEveryone() {
        Set<String> unqualified = core.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(Set.of("dev.oidcsso", "dev.oidcsso.auth", "dev.oidcsso.authz", "dev.oidcsso.config", "dev.oidcsso.http",
                "dev.oidcsso.observe", "dev.oidcsso.spi", "dev.oidcsso.store", "dev.oidcsso.web"), unqualified);
        for (String internal : List.of("dev.oidcsso.login", "dev.oidcsso.session", "dev.oidcsso.identity", "dev.oidcsso.crypto",
                "dev.oidcsso.plugins", "dev.oidcsso.web.api")) {
            assertTrue(core.exports().stream().noneMatch(e -> e.source().equals(internal) && !e.isQualified()), internal + " stays internal");
        }
    }

    @Test
    void theSupportPackageGoesToProviderModulesOnly() {
        ModuleDescriptor.Exports support = core.exports().stream().filter(e -> e.source().equals("dev.oidcsso.spi.support"))
                .findFirst().orElseThrow();
        assertEquals(Set.of("dev.oidcsso.provider.okta", "dev.oidcsso.provider.google", "dev.oidcsso.provider.cognito",
                "dev.oidcsso.provider.entra"), support.targets());
    }
}
