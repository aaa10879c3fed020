package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Fixtures;
import dev.pct.train.testing.ModelDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model directory is data, not code: a pct export with a jar added whose block factory writes a file when its
 * class is initialized, named by {@code serving.properties}, is refused by {@code predict}, {@code evaluate}
 * and a job (and the file is not written) unless the user trusts it; trusted, it loads, and the report says so.
 */
class ModelCodeTest {

    static final Path MODELS = Fixtures.models();
    static final Path DATA = MODELS.resolve("tiny");

    @TempDir
    Path tmp;

    Path clean;
    Path evil;
    Path marker;

    @BeforeEach
    void directories() throws IOException {
        clean = ModelDirectories.exportMlp(tmp.resolve("clean"), false);
        evil = ModelDirectories.exportMlp(tmp.resolve("evil"), false);
        marker = tmp.resolve("marker.txt");
        ModelDirectories.evilJar(evil.resolve("evil.jar"), marker);
        ModelDirectories.setProperties(evil, Map.of("blockFactory", "evil.Factory"));
    }

    private Path job(String oldModel) throws IOException {
        Path file = tmp.resolve("job-" + System.nanoTime() + ".yaml");
        Files.writeString(file, """
                name: tiny
                seeds: [1]
                device: cpu
                compare_baseline: false
                data: {source: idx, path: %s, validation_fraction: 0.1}
                old_model: %s
                new_model: {architecture: {type: mlp, hidden: [8]}}
                loss: {treatment: fd-kl, alpha: 0.0, beta: 1.0, tau: 1.0}
                training: {epochs: 1, batch_size: 64, learning_rate: 0.05, log_every_steps: 0}
                """.formatted(DATA, oldModel));
        return file;
    }

    private static void assertRefused(CliRun.Result result, String... fragments) {
        assertEquals(1, result.status(), result.err());
        for (String fragment : fragments) {
            assertTrue(result.err().contains(fragment), "missing '" + fragment + "' in: " + result.err());
        }
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
    }

    @Test
    void predictEvaluateAndAJobRefuseADirectoryWithCodeAndRunNoneOfIt() throws IOException {
        Path csv = tmp.resolve("evil.csv");
        assertRefused(CliRun.run("predict", evil.toString(), DATA.toString(), "--out", csv.toString()),
                "MODEL " + evil, "evil.jar", "blockFactory=evil.Factory", "--trust-model-code");
        assertFalse(Files.exists(csv), "no predictions written");

        assertRefused(CliRun.run("evaluate", job("{source: train, architecture: {type: mlp}}").toString(),
                "--old", evil.toString(), "--new", clean.toString()), "--old " + evil, "evil.jar");

        Path run = tmp.resolve("run");
        assertRefused(CliRun.run("train", job("{source: djl, file: " + evil + "}").toString(), "--run-dir",
                run.toString()), "old_model.file " + evil, "evil.jar", "old_model.trust_code: true");
        assertFalse(Files.exists(run), "no run directory");

        // DJL descends into a lone sub-folder: code anywhere under the directory counts.
        Path wrapper = Files.createDirectories(tmp.resolve("wrapper"));
        Files.move(evil, wrapper.resolve("evil"));
        assertRefused(CliRun.run("predict", wrapper.toString(), DATA.toString(), "--out", csv.toString()),
                "MODEL " + wrapper, "evil/evil.jar", "blockFactory=evil.Factory");

        assertFalse(Files.exists(marker), "the directory's code ran");
    }

    @Test
    void trustedTheDirectoryLoadsRunsItsCodePredictsAsUsualAndTheReportSaysSo() throws IOException {
        Path cleanCsv = tmp.resolve("clean.csv");
        Path evilCsv = tmp.resolve("evil.csv");
        assertEquals(0, CliRun.run("predict", clean.toString(), DATA.toString(), "--out", cleanCsv.toString()).status());
        assertFalse(Files.exists(marker));
        CliRun.Result trusted = CliRun.run("predict", evil.toString(), DATA.toString(), "--out", evilCsv.toString(),
                "--trust-model-code");
        assertEquals(0, trusted.status(), trusted.err());
        assertTrue(Files.exists(marker), "trusted, DJL loaded the directory's factory");
        // Same parameters (the same seed) under the foreign factory that delegates to pct's: the same predictions.
        assertEquals(Files.readString(cleanCsv), Files.readString(evilCsv));

        Files.delete(marker);
        Path run = tmp.resolve("run");
        CliRun.Result job = CliRun.run("train", job("{source: djl, file: " + evil + "}").toString(), "--run-dir",
                run.toString(), "--trust-model-code");
        assertEquals(0, job.status(), job.err());
        assertTrue(Files.exists(marker));
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("**Security:**") && report.contains("model code trusted")
                && report.contains("evil.Factory"), report);
        String info = Files.readString(run.resolve("run-info.json"));
        assertTrue(info.contains("old_model_notes") && info.contains("evil.jar"), info);
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("trust_code: true"));
    }

    @Test
    void theArchitectureJarOfAnOldExportIsRefusedUntilDeletedAndNeverLoaded() throws IOException {
        Path old = ModelDirectories.exportMlp(tmp.resolve("old-export"), true);
        Path csv = tmp.resolve("old.csv");
        assertRefused(CliRun.run("predict", old.toString(), DATA.toString(), "--out", csv.toString()),
                "pct-architecture.jar", "If pct exported it, delete the code");
        // Trusted, it loads with pct's own factory: the jar is not needed, and the run says it was not loaded.
        assertEquals(0, CliRun.run("predict", old.toString(), DATA.toString(), "--out", csv.toString(),
                "--trust-model-code").status());
        Files.delete(old.resolve("pct-architecture.jar"));
        Path after = tmp.resolve("after.csv");
        assertEquals(0, CliRun.run("predict", old.toString(), DATA.toString(), "--out", after.toString()).status());
        assertEquals(Files.readString(csv), Files.readString(after));
    }

    @Test
    void aJarBesideATorchScriptFileIsNotScannedForFactories() throws IOException {
        // Without a block factory to load, DJL instantiates every BlockFactory in the jars beside a model file.
        Path folder = Files.createDirectories(tmp.resolve("models"));
        Path model = Files.copy(MODELS.resolve("tiny-old-mlp.pt"), folder.resolve("tiny-old-mlp.pt"));
        ModelDirectories.evilJar(folder.resolve("helpers.jar"), marker);
        Path csv = tmp.resolve("pt.csv");
        CliRun.Result result = CliRun.run("predict", model.toString(), DATA.toString(), "--mean", "0.5", "--std",
                "0.25", "--out", csv.toString());
        assertEquals(0, result.status(), result.err());
        assertFalse(Files.exists(marker), "a class from the model's folder was initialized");
    }

    @Test
    void anOnnxCustomOpLibraryNamedBesideTheFileIsRefusedEvenWhenTrusted() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("onnx"));
        Path model = Files.copy(MODELS.resolve("tiny-old-mlp.onnx"), folder.resolve("tiny-old-mlp.onnx"));
        Files.writeString(folder.resolve("serving.properties"), "option.customOpLibrary=" + folder.resolve("libops.so")
                + "\n");
        assertRefused(CliRun.run("predict", model.toString(), DATA.toString(), "--mean", "0.5", "--std", "0.25",
                "--out", tmp.resolve("onnx.csv").toString(), "--trust-model-code"),
                "option.customOpLibrary", "never loads custom-op libraries");
    }

    @Test
    void anEditedServingPropertiesWithABadValueFailsNamingTheFileTheKeyAndTheValue() throws IOException {
        ModelDirectories.setProperties(clean, Map.of("pct.hidden", "16,-4"));
        CliRun.Result result = CliRun.run("predict", clean.toString(), DATA.toString(), "--out",
                tmp.resolve("p.csv").toString());
        assertRefused(result, clean.resolve("serving.properties") + ": pct.hidden = '16,-4': expected comma-separated"
                + " integers in [1, 65536]");
        assertFalse(result.err().contains("corrupt"), result.err());
    }

    @Test
    void anArchiveAsTheOldModelFileIsRefusedNotExtracted() throws IOException {
        Path archive = tmp.resolve("old-model.zip");
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("../escaped.pt"));
            zip.write(Files.readAllBytes(MODELS.resolve("tiny-old-mlp.pt")));
            zip.closeEntry();
        }
        Path run = tmp.resolve("run");
        assertRefused(CliRun.run("train", job("{source: torchscript, file: " + archive
                + ", preprocessing: {mean: [0.5], std: [0.25]}}").toString(), "--run-dir", run.toString()),
                "old-model.zip", "pct does not extract archives");
        assertFalse(Files.exists(run));
    }
}
