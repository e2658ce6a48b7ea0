package dev.oidcsso.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps core's packages in layers: a package may use the packages on its own row and below it,
 * never one above. The rows read as the request's path, from the HTTP surface down to the values
 * everything shares; DESIGN.md's package table is this list.
 */
class LayeringTest {

    /** Top to bottom. Packages on one row must not use each other (checked by the cycle rule). */
    static final List<List<String>> LAYERS = List.of(
            List.of("web"),
            List.of("web.api"),
            List.of("login"),
            List.of("auth"),
            List.of("store"),
            List.of("identity", "oidc"),
            List.of("session"),
            List.of("crypto"),
            List.of("spi.support"),
            List.of("config"),
            List.of("plugins"),
            List.of("spi", "authz"),
            List.of("http", "observe"),
            List.of(""));

    private static final String BASE = "dev.oidcsso";

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/oidc-sso-group-detection-api") && !location.contains("/group-detection-api/"))
                .importPackages(BASE);
    }

    /** The row of a class's package, the longest listed package that contains it. */
    static Optional<Integer> layerOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? Optional.empty() : layerOfPackage(className.substring(0, dot));
    }

    /** The row of a package. */
    static Optional<Integer> layerOfPackage(String packageName) {
        if (!packageName.equals(BASE) && !packageName.startsWith(BASE + ".")) {
            return Optional.empty();
        }
        String relative = packageName.equals(BASE) ? "" : packageName.substring(BASE.length() + 1);
        int best = -1;
        int bestLength = -1;
        for (int row = 0; row < LAYERS.size(); row++) {
            for (String listed : LAYERS.get(row)) {
                boolean contains = listed.isEmpty() ? relative.isEmpty()
                        : relative.equals(listed) || relative.startsWith(listed + ".");
                if (contains && listed.length() > bestLength) {
                    best = row;
                    bestLength = listed.length();
                }
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }

    @Test
    void everyPackageOfCoreHasARow() {
        core.stream().filter(c -> !c.getPackageName().startsWith(BASE + ".groups"))
                .forEach(c -> assertTrue(layerOfPackage(c.getPackageName()).isPresent(),
                        c.getPackageName() + " is in no row of LayeringTest.LAYERS: add it where it belongs"));
    }

    @Test
    void dependenciesPointDown() {
        classes().should(new ArchCondition<JavaClass>("use only packages on their own row or below") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                Optional<Integer> own = layerOfPackage(item.getPackageName());
                if (own.isEmpty()) {
                    return;
                }
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    Optional<Integer> target = layerOfPackage(dependency.getTargetClass().getBaseComponentType().getPackageName());
                    if (target.isPresent() && target.get() < own.get()) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()
                                + " points up, from row " + own.get() + " to row " + target.get()));
                    }
                }
            }
        }).check(core);
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching(BASE + ".(**)").should().beFreeOfCycles().check(core);
    }

    @Test
    void coreNamesNoProviderAndNoStoreImplementation() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(BASE + ".provider..", BASE + ".store.jdbc..",
                BASE + ".spring..", BASE + ".demo..").check(core);
    }

    @Test
    void theRowsFindTheirPackages() {
        assertEquals(Optional.of(0), layerOf("dev.oidcsso.web.OidcSso"));
        assertEquals(Optional.of(1), layerOf("dev.oidcsso.web.api.RestApi"));
        assertEquals(Optional.of(8), layerOf("dev.oidcsso.spi.support.JsonHttp"));
        assertEquals(Optional.of(11), layerOf("dev.oidcsso.spi.ProviderProfile"));
        assertEquals(Optional.of(13), layerOf("dev.oidcsso.OidcSsoException"));
        assertEquals(Optional.empty(), layerOf("com.nimbusds.jwt.JWT"));
    }
}
