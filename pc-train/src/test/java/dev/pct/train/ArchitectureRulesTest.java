package dev.pct.train;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/ARCHITECTURE.md, checked on pc-train's compiled main classes: the config layer is an
 * edge (only the job and the CLI read it), no package imports one above it, and no two packages import each
 * other, directly or around a cycle; and the document itself names every package and only types that exist.
 */
class ArchitectureRulesTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pct.train");
    }

    /** The layers from the bottom up, as docs/ARCHITECTURE.md draws them. */
    private static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("check").definedBy("dev.pct.train.check..")
                .layer("io").definedBy("dev.pct.train.io..")
                .layer("model").definedBy("dev.pct.train.model..")
                .layer("optim").definedBy("dev.pct.train.optim..")
                .layer("data").definedBy("dev.pct.train.data..")
                .layer("update").definedBy("dev.pct.train.update..")
                .layer("export").definedBy("dev.pct.train.export..")
                .layer("selection").definedBy("dev.pct.train.selection..")
                .layer("teacher").definedBy("dev.pct.train.teacher..")
                .layer("reference").definedBy("dev.pct.train.reference..")
                .layer("interpolation").definedBy("dev.pct.train.interpolation..")
                .layer("loop").definedBy("dev.pct.train.loop..")
                .layer("report").definedBy("dev.pct.train.report..")
                .layer("api").definedBy("dev.pct.train.api..")
                .layer("config").definedBy("dev.pct.train.config..")
                .layer("job").definedBy("dev.pct.train.job..")
                .layer("spark").definedBy("dev.pct.train.spark..")
                .layer("cli").definedBy("dev.pct.train.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("spark").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("job").mayOnlyBeAccessedByLayers("spark", "cli")
                .whereLayer("config").mayOnlyBeAccessedByLayers("job", "spark", "cli")
                .whereLayer("api").mayOnlyBeAccessedByLayers("job", "spark", "cli")
                .whereLayer("report").mayOnlyBeAccessedByLayers("api", "job", "cli")
                .whereLayer("loop").mayOnlyBeAccessedByLayers("api", "config", "job", "spark", "cli")
                .whereLayer("reference").mayOnlyBeAccessedByLayers("api", "config", "job")
                .whereLayer("interpolation").mayOnlyBeAccessedByLayers("api", "config", "job")
                .whereLayer("teacher").mayOnlyBeAccessedByLayers("loop", "api", "config", "job", "spark")
                .whereLayer("selection").mayOnlyBeAccessedByLayers("report", "api", "config", "job")
                .whereLayer("export").mayOnlyBeAccessedByLayers("api", "job")
                .whereLayer("update").mayOnlyBeAccessedByLayers(
                        "teacher", "reference", "loop", "api", "config", "job")
                .whereLayer("data").mayOnlyBeAccessedByLayers(
                        "teacher", "interpolation", "loop", "api", "config", "job", "cli")
                .whereLayer("optim").mayOnlyBeAccessedByLayers("loop", "api", "config", "job")
                .whereLayer("model").mayOnlyBeAccessedByLayers("update", "export", "api", "config", "job")
                .whereLayer("check").mayOnlyBeAccessedByLayers(
                        "optim", "selection", "interpolation", "loop", "api", "config", "job");
    }

    @Test
    void theModelPackageShipsAloneAndSoDependsOnNothingElseOfPct() {
        // It is the architecture artifact (pc-train's "models" jar, pct-architecture.jar in an exported model) that a
        // Java service loads an exported model with; ModelFilesTest loads one with that package alone.
        noClasses().that().resideInAPackage("dev.pct.train.model..").should().dependOnClassesThat(
                resideInAPackage("dev.pct..").and(not(resideInAPackage("dev.pct.train.model..")))).check(main);
    }

    @Test
    void noPackageImportsOneAboveIt() {
        layers().check(main);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("dev.pct.train.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void architectureDocNamesEveryPackageAndOnlyTypesThatExist() throws IOException {
        Path doc = Path.of("..", "docs", "ARCHITECTURE.md");
        List<String> rows = Files.readAllLines(doc).stream().filter(l -> l.startsWith("| ")).toList();
        Set<String> types = new HashSet<>();
        new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pct").forEach(c -> types.add(c.getSimpleName()));
        Set<String> documented = new TreeSet<>();
        Pattern code = Pattern.compile("`([A-Za-z.]+)`");
        for (String row : rows) {
            String[] cells = row.split("\\|");
            if (cells.length < 4 || row.contains("pc-bench")) {
                continue; // pc-bench's types are not on this module's class path
            }
            Matcher m = code.matcher(cells[2]);
            while (m.find()) {
                documented.add(m.group(1));
            }
            for (int cell = 3; cell < cells.length; cell++) {
                Matcher t = code.matcher(cells[cell]);
                while (t.find()) {
                    String name = t.group(1);
                    String simple = name.substring(name.lastIndexOf('.') + 1);
                    if (Character.isUpperCase(simple.charAt(0))) {
                        assertTrue(types.contains(simple), doc + " names `" + name + "`, which is no class of pct");
                    }
                }
            }
        }
        Set<String> packages = new TreeSet<>();
        main.forEach(c -> packages.add(c.getPackageName().replace("dev.pct.train.", "")));
        packages.remove("dev.pct.train");
        for (String p : packages) {
            assertTrue(documented.contains(p), doc + " has no row for package " + p + " (documented: " + documented
                    + ")");
        }
    }

    @Test
    void theRulesCatchAViolation() {
        // The config package reads the domain's types, so a rule that forbade it must fail: the check is live.
        ArchRule inverted = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("config").definedBy("dev.pct.train.config..")
                .layer("selection").definedBy("dev.pct.train.selection..")
                .whereLayer("selection").mayNotBeAccessedByAnyLayer();
        assertThrows(AssertionError.class, () -> inverted.check(main));
    }
}
