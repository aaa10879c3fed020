package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.api.PcResult;
import dev.pct.train.cli.PcTrainCli;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.data.ImageSet;
import dev.pct.train.export.ExportProbe;
import dev.pct.train.io.Logits;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.report.ModelResult;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Fixtures;
import dev.pct.train.testing.ForkedJvm;
import dev.pct.train.testing.Trees;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.StageNetwork;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with the user's own model files (committed fixtures made by {@code make_fixtures.py} with torch
 * 1.13): a TorchScript or ONNX old model, a pretrained TorchScript new model, the exported new model loaded by
 * plain DJL, and every file that does not fit failing before anything is written.
 */
class ModelFilesTest {

    static final Path MODELS = Fixtures.models();

    @TempDir
    Path tmp;

    /** A job on the tiny IDX data set the fixtures were trained on; {@code old} is the old_model section. */
    private Path job(String old, String newModel) throws IOException {
        return Fixtures.tinyJob(tmp, old, newModel);
    }

    private static final String CNN = "{architecture: {type: cnn, channels: [8], hidden: [16], batch_norm: true}}";

    private static String oldFile(String source, String file) {
        return "{source: " + source + ", file: " + MODELS.resolve(file) + ", preprocessing: {mean: [0.5], std: [0.25]}}";
    }

    private static float[] recordedOldLogits() throws IOException {
        return PredictionFiles.readLogits(MODELS.resolve("tiny-old-mlp.test-logits.csv"), 4);
    }

    @Test
    void torchScriptAndOnnxOldModelsGiveTheScriptsLogitsAndTrainAPcModelThatReportsFlips() throws IOException {
        float[] recorded = recordedOldLogits();
        for (String[] old : new String[][] {{"torchscript", "tiny-old-mlp.pt"}, {"onnx", "tiny-old-mlp.onnx"}}) {
            Path run = tmp.resolve(old[0]);
            PcResult result = PcJob.run(JobConfigLoader.load(job(oldFile(old[0], old[1]), CNN)), run);
            // The old model's test logits through DJL, with its own preprocessing (mean 0.5, std 0.25 on [0, 1]),
            // against those torch computed when it made the file.
            float[] throughDjl;
            try (LogitCache cache = LogitCache.openExisting(run.resolve("old/logits-test.cache"))) {
                throughDjl = cache.readAll();
            }
            assertEquals(recorded.length, throughDjl.length);
            // Another runtime (libtorch or ONNX Runtime through DJL, not the torch that wrote the file) sums the
            // layers' float32 dot products in another order: ~1e-6 of logits of order 1-10; 1e-4 + 1e-5 relative
            // is margin.
            for (int i = 0; i < recorded.length; i++) {
                assertEquals(recorded[i], throughDjl[i], 1e-4 + 1e-5 * Math.abs(recorded[i]), old[0] + " logit " + i);
            }
            List<String> models = result.results().models().stream().map(ModelResult::model).toList();
            assertEquals(List.of("baseline", "pc"), models);
            FlipReport pc = result.results().models().get(1).vsOld();
            assertEquals(256, pc.total());
            assertTrue(pc.negativeFlips() + pc.positiveFlips() > 0, "flips are counted: " + pc);
            assertTrue(Files.readString(run.resolve("report.md")).contains("negative flip"));
            assertTrue(Files.isDirectory(run.resolve("seed-1/pc/model")), "the PC model is exported");
        }
    }

    @Test
    void pretrainedTorchScriptBackboneFineTunesAndFrozenLayersDoNotMove() throws Exception {
        for (boolean frozen : new boolean[] {true, false}) {
            Path run = tmp.resolve("backbone-" + frozen);
            String newModel = "{source: torchscript, file: " + MODELS.resolve("tiny-backbone.pt")
                    + ", head: auto, freeze_backbone: " + frozen + "}";
            PcResult result = PcJob.run(JobConfigLoader.load(job(oldFile("torchscript", "tiny-old-mlp.pt"),
                    newModel)), run);
            assertEquals(2, result.results().models().size());
            NewModel model = NewModel.torchScript(MODELS.resolve("tiny-backbone.pt"), NewModel.Head.AUTO, frozen, 1f);
            try (Model holder = Model.newInstance("check");
                    NDManager manager = NDManager.newBaseManager()) {
                Shape input = new Shape(1, 8, 8);
                StageNetwork trained = model.restore(holder.getNDManager(), input, 4,
                        Files.readAllBytes(run.resolve("seed-1/pc/final.params")));
                PtSymbolBlock original = JniUtils.loadModule((PtNDManager) manager,
                        MODELS.resolve("tiny-backbone.pt"), true, new String[0], new String[0], false);
                PtSymbolBlock tuned = (PtSymbolBlock) trained.exportNet().getChildren().get(0).getValue();
                boolean same = true;
                for (Pair<String, Parameter> p : original.getParameters()) {
                    float[] before = p.getValue().getArray().toFloatArray();
                    float[] after = tuned.getParameters().get(p.getKey()).getArray().toFloatArray();
                    same &= java.util.Arrays.equals(before, after);
                }
                // Features of the same input, in inference mode: batch-norm statistics included.
                NDArray x = manager.randomNormal(new Shape(5, 1, 8, 8));
                float[] before = original.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .head().toFloatArray();
                float[] after = tuned.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .head().toFloatArray();
                if (frozen) {
                    assertTrue(same, "frozen backbone parameters moved");
                    assertArrayEquals(before, after, 0f, "frozen backbone's features (batch-norm statistics) moved");
                } else {
                    assertFalse(same, "a trainable backbone should have been fine-tuned");
                    assertNotEquals(before[0], after[0], "a trainable backbone's features should change");
                }
                assertEquals(2, trained.block().getChildren().size(), "a new 4-class head after the 16 features");
            }
        }
    }

    @Test
    void exportedModelHoldsNoCodeAndLoadsInAFreshJvmWithDjlAndTheArchitectureArtifactAndGivesTheJobsLogits()
            throws Exception {
        Path run = tmp.resolve("export");
        JobConfig config = JobConfigLoader.load(job(oldFile("onnx", "tiny-old-mlp.onnx"), CNN));
        PcJob.run(config, run);
        Path exported = run.resolve("seed-1/pc/model");
        for (String file : List.of("model-0000.params", "serving.properties", "pct-model.json")) {
            assertTrue(Files.exists(exported.resolve(file)), "missing " + file);
        }
        // The description's maps are written in a fixed order (input as listed, architecture keys sorted), so two
        // exports of one model are the same bytes; Map.of's order changes from one JVM to the next.
        com.fasterxml.jackson.databind.JsonNode description = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(exported.resolve("pct-model.json").toFile());
        List<String> inputKeys = new java.util.ArrayList<>();
        description.get("input").fieldNames().forEachRemaining(inputKeys::add);
        assertEquals(List.of("shape", "layout", "values", "resize"), inputKeys);
        assertEquals("stretch", description.get("input").get("resize").asText(), "IDX images are of the input size");
        List<String> architectureKeys = new java.util.ArrayList<>();
        description.get("architecture").fieldNames().forEachRemaining(architectureKeys::add);
        assertEquals(architectureKeys.stream().sorted().toList(), architectureKeys);
        assertTrue(architectureKeys.contains("pct.architecture"), architectureKeys.toString());
        try (java.util.stream.Stream<Path> files = Files.walk(exported)) {
            assertEquals(List.of(), files.map(Path::toString).filter(f -> f.endsWith(".jar") || f.endsWith(".class"))
                    .toList(), "an exported model directory holds no code");
        }
        Path input = writeTestImages(config, tmp.resolve("input.bin"));
        // A JVM with DJL and pct's architecture artifact on its class path: the package dev.pct.train.model,
        // jarred as pc-train's "models" classifier jar is (maven-jar-plugin, includes dev/pct/train/model/**),
        // and the probe (a stand-in for the service), nothing else of pct.
        Path models = jarOfPackage(tmp.resolve("pc-train-models.jar"), "dev/pct/train/model/");
        Path output = tmp.resolve("logits.bin");
        ForkedJvm.Outcome outcome = probe(exported, input, output, "factory", models);
        assertEquals(0, outcome.status(), outcome.output());
        assertTrue(outcome.output().contains("architecture artifact on the class path"), outcome.output());
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] served = readArray(manager, output);
            float[] reported = Logits.read(run.resolve("seed-1/pc/logits-test.bin"), 256, 4);
            // The same network and parameters in another JVM, maybe in other batches: last-bit differences at most.
            assertArrayEquals(reported, served, 1e-5f, "the exported model's logits are the job's");
        }
        // Asked to, the export also carries the architecture jar, which DJL alone loads from the directory.
        Path selfContained = tmp.resolve("self-contained");
        Files.createDirectories(selfContained);
        try (java.util.stream.Stream<Path> files = Files.list(exported)) {
            for (Path f : files.toList()) {
                Files.copy(f, selfContained.resolve(f.getFileName()));
            }
        }
        jarOfPackage(selfContained.resolve(dev.pct.train.export.ModelExport.ARCHITECTURE_JAR), "dev/pct/train/model/");
        Path plainOutput = tmp.resolve("logits-plain.bin");
        ForkedJvm.Outcome plain = probe(selfContained, input, plainOutput, "plain", null);
        assertEquals(0, plain.status(), plain.output());
        assertTrue(plain.output().contains("no pct class on the class path"), plain.output());
        try (NDManager manager = NDManager.newBaseManager()) {
            // exact: the same model files and inputs through the same engine
            assertArrayEquals(readArray(manager, output), readArray(manager, plainOutput), 0f);
        }
    }

    @Test
    void theExportOptionWritesTheArchitectureJarWithTheModelPackageOnly() throws IOException {
        Path run = tmp.resolve("with-jar");
        PcJob.run(JobConfigLoader.load(job(oldFile("torchscript", "tiny-old-mlp.pt"), CNN),
                List.of("compare_baseline=false", "training.epochs=1", "new_model.export_architecture_jar=true")), run);
        Path jar = run.resolve("seed-1/pc/model/" + dev.pct.train.export.ModelExport.ARCHITECTURE_JAR);
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            List<String> names = file.stream().map(java.util.jar.JarEntry::getName).toList();
            assertTrue(names.contains("dev/pct/train/model/ArchitectureBlockFactory.class"), names.toString());
            assertTrue(names.stream().allMatch(n -> n.startsWith("dev/pct/train/model/")), names.toString());
        }
    }

    /** The test split's images as a service would feed them: intensities in [0, 1]; the model normalizes them. */
    private static Path writeTestImages(JobConfig config, Path input) throws IOException {
        ImageSet test = (ImageSet) JobData.load(config.data(), 1, null).testSet();
        float[] images = new float[test.size() * test.sampleSize()];
        for (int i = 0; i < test.size(); i++) {
            test.copySample(i, images, i * test.sampleSize());
        }
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(input))) {
            long[] shape = {test.size(), 1, 8, 8};
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            for (float v : images) {
                out.writeFloat(v);
            }
        }
        return input;
    }

    /** Runs {@link ExportProbe} in a JVM with DJL, the probe, and {@code extra} (if not null) on its class path. */
    private ForkedJvm.Outcome probe(Path model, Path input, Path output, String mode, Path extra) throws Exception {
        Path probeClasses = tmp.resolve("probe");
        Path probeFile = probeClasses.resolve("dev/pct/train/export/ExportProbe.class");
        if (!Files.exists(probeFile)) {
            Files.createDirectories(probeFile.getParent());
            Files.copy(ExportProbe.class.getResourceAsStream("ExportProbe.class"), probeFile);
        }
        List<String> classPath = new ArrayList<>(ForkedJvm.testClassPathWithout(entry ->
                entry.contains("pc-train") || entry.contains("pc-core") || entry.contains("onnxruntime")));
        classPath.add(probeClasses.toString());
        if (extra != null) {
            classPath.add(extra.toString());
        }
        return ForkedJvm.run(classPath, List.of("-Dai.djl.offline=true", "-Xmx1g"), ExportProbe.class.getName(),
                List.of(model.toString(), input.toString(), output.toString(), mode), 300);
    }

    /** Jars the classes of a package (and its sub-packages) from where this test run loads them. */
    private static Path jarOfPackage(Path jar, String packagePath) throws Exception {
        Path classes = Path.of(dev.pct.train.model.ArchitectureBlockFactory.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                java.util.stream.Stream<Path> files = Files.walk(classes.resolve(packagePath))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static float[] readArray(NDManager manager, Path file) throws Exception {
        java.lang.reflect.Method read = ExportProbe.class.getDeclaredMethod("read", NDManager.class, Path.class);
        read.setAccessible(true);
        return ((NDArray) read.invoke(null, manager, file)).toFloatArray();
    }

    @Test
    void exportedDirectoryServesAsTheNextOldModelAndPredictWritesWhatCompareReads() throws IOException {
        Path first = tmp.resolve("first");
        Path jobFile = job(oldFile("torchscript", "tiny-old-mlp.pt"), CNN);
        PcResult firstResult = PcJob.run(JobConfigLoader.load(jobFile), first);
        Path exported = first.resolve("seed-1/pc/model");

        // The next update: the exported model is the old one, taken as it is (it normalizes its own input).
        Path second = tmp.resolve("second");
        PcResult secondResult = PcJob.run(JobConfigLoader.load(job("{source: djl, file: " + exported + "}",
                CNN)), second);
        int[] oldOfSecond = secondResult.results().oldPredictions();
        ModelResult pcOfFirst = firstResult.results().models().get(1);
        assertArrayEquals(pcOfFirst.testPredictions(), oldOfSecond, "the exported model predicts what the job did");

        // predict on the exported model and on the TorchScript file, then compare: the first run's PC flips.
        Path newCsv = tmp.resolve("new.csv");
        Path oldCsv = tmp.resolve("old.csv");
        assertEquals(0, PcTrainCli.execute("predict", exported.toString(), jobFile.toString(), "--out",
                newCsv.toString()));
        assertEquals(0, PcTrainCli.execute("predict", MODELS.resolve("tiny-old-mlp.pt").toString(),
                jobFile.toString(), "--mean", "0.5", "--std", "0.25", "--out", oldCsv.toString()));
        FlipReport compared = PredictionFiles.compare(newCsv, oldCsv, newCsv);
        assertEquals(pcOfFirst.vsOld().negativeFlips(), compared.negativeFlips());
        assertEquals(pcOfFirst.vsOld().positiveFlips(), compared.positiveFlips());
        assertEquals(256, PredictionFiles.readLogits(newCsv, 4).length / 4);
    }

    @Test
    void filesThatDoNotFitFailClearlyAndLeaveNoRunDirectory() throws IOException {
        Path truncated = tmp.resolve("truncated.pt");
        byte[] bytes = Files.readAllBytes(MODELS.resolve("tiny-old-mlp.pt"));
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path corrupt = tmp.resolve("corrupt.onnx");
        Files.writeString(corrupt, "not an onnx model");
        Path truncatedBackbone = tmp.resolve("backbone-half.pt");
        byte[] backbone = Files.readAllBytes(MODELS.resolve("tiny-backbone.pt"));
        Files.write(truncatedBackbone, java.util.Arrays.copyOf(backbone, backbone.length - 100));

        String[][] cases = {
            // old model file, preprocessing, new model, expected fragments
            {"{source: onnx, file: " + MODELS.resolve("tiny-old-mlp.onnx")
                    + ", preprocessing: {image_size: [9, 9], mean: [0.5], std: [0.25]}}", CNN,
                "tiny-old-mlp.onnx", "takes input of shape (-1, 1, 8, 8) (-1: any size), the batch has shape"
                    + " (2, 1, 9, 9)"},
            {"{source: torchscript, file: " + MODELS.resolve("fmnist-mlp.pt")
                    + ", preprocessing: {image_size: [28, 28], mean: [0.286], std: [0.353]}}", CNN,
                "fmnist-mlp.pt", "returns 10 logits per sample, the data set has 4 classes"},
            {"{source: torchscript, file: " + truncated + ", preprocessing: {mean: [0.5], std: [0.25]}}", CNN,
                "truncated.pt", "cannot be loaded as a TorchScript"},
            {"{source: onnx, file: " + corrupt + ", preprocessing: {mean: [0.5], std: [0.25]}}", CNN,
                "corrupt.onnx", "cannot be loaded as a ONNX"},
            {oldFile("torchscript", "tiny-old-mlp.pt"),
                "{source: torchscript, file: " + truncatedBackbone + "}", "backbone-half.pt", "not a TorchScript file"},
            {oldFile("torchscript", "tiny-old-mlp.pt"),
                "{source: torchscript, file: " + MODELS.resolve("tiny-old-mlp.pt") + ", head: keep}", null, null},
        };
        for (String[] c : cases) {
            Path run = tmp.resolve("run-" + System.nanoTime());
            CliRun.Result result = CliRun.run("train", job(c[0], c[1]).toString(), "--run-dir", run.toString());
            int status = result.status();
            String err = result.err();
            if (c[2] == null) {
                // A pretrained classifier with 4 outputs keeps its head: this one runs.
                assertEquals(0, status, err);
                continue;
            }
            assertEquals(1, status, err);
            assertTrue(err.contains(c[2]) && err.contains(c[3]), err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertFalse(Files.exists(run), "nothing written for " + c[2]);
        }
    }

    @Test
    void modelsReturningATupleAnotherTypeOrTakingAnotherRankAreRefusedBeforeTraining() throws IOException {
        // Fixtures of make_hostile_fixtures.py: untrained, on the tiny data's (1, 8, 8) inputs and 4 classes.
        String expected = "; expected one (N, classes) float32 tensor of logits";
        String[][] cases = {
            // old model, new model, expected fragments
            {oldFile("torchscript", "tiny-tuple.pt"), CNN, "TorchScript tiny-tuple.pt: returns 2 outputs ((2, 4) float32,"
                    + " (2, 8) float32) for input (2, 1, 8, 8)" + expected},
            {oldFile("torchscript", "tiny-float64.pt"), CNN, "TorchScript tiny-float64.pt: returns float64 values of"
                    + " shape (2, 4) for input (2, 1, 8, 8)" + expected},
            {oldFile("torchscript", "tiny-int64.pt"), CNN, "TorchScript tiny-int64.pt: returns int64 values of shape"
                    + " (2, 4) for input (2, 1, 8, 8)" + expected},
            // The file, the input shape the model declares and the data's shape.
            {oldFile("onnx", "tiny-flat.onnx"), CNN, "ONNX tiny-flat.onnx: takes input of shape (-1, 64)",
                    "the batch has shape (2, 1, 8, 8)"},
            {oldFile("torchscript", "tiny-old-mlp.pt"), "{source: torchscript, file: " + MODELS.resolve("tiny-tuple.pt")
                    + "}", "tiny-tuple.pt: the module returns 2 outputs ((2, 4) float32, (2, 8) float32) for inputs"
                    + " (2, 1, 8, 8); expected one (N, K) float32 tensor"},
            {oldFile("torchscript", "tiny-old-mlp.pt"), "{source: torchscript, file: " + MODELS.resolve("tiny-int64.pt")
                    + "}", "tiny-int64.pt: the module returns int64 values of shape (2, 4) for inputs (2, 1, 8, 8);"
                    + " expected one (N, K) float32 tensor"},
        };
        for (String[] c : cases) {
            Path run = tmp.resolve("run-" + System.nanoTime());
            CliRun.Result result = CliRun.run("train", job(c[0], c[1]).toString(), "--run-dir", run.toString());
            assertEquals(1, result.status(), result.err());
            for (int k = 2; k < c.length; k++) {
                assertTrue(result.err().contains(c[k]), c[k] + " in " + result.err());
            }
            assertFalse(result.err().contains("\tat "), "no stack trace: " + result.err());
            assertFalse(Files.exists(run), "nothing written for " + c[2]);
        }
    }

    @Test
    void aKilledRunWithAnAugmentedTorchScriptNewModelResumesToTheSameModel() throws IOException {
        // Augmentation: the old model (its own preprocessing) runs on every batch, flipped like the new model's.
        String newModel = "{source: torchscript, file: " + MODELS.resolve("tiny-backbone.pt")
                + ", backbone_learning_rate: 0.5}";
        Path jobFile = job(oldFile("torchscript", "tiny-old-mlp.pt"), newModel);
        List<String> overrides = List.of("training.epochs=3", "training.checkpoint_every_epochs=1",
                "data.augment.horizontal_flip=true", "compare_baseline=false");
        Path straight = tmp.resolve("straight");
        Path crashed = tmp.resolve("crashed");
        PcJob.run(JobConfigLoader.load(jobFile, overrides), straight);
        PcJob.run(JobConfigLoader.load(jobFile, overrides), crashed);
        // Kill the PC stage after its second epoch: drop what it wrote at the end, keep epoch 2's checkpoint.
        Path pc = crashed.resolve("seed-1/pc");
        for (String file : List.of("done", "final.params", "logits-test.bin", "checkpoints/epoch-0003.ckpt")) {
            Files.delete(pc.resolve(file));
        }
        Trees.delete(pc.resolve("model"));
        assertEquals(2, new dev.pct.train.loop.Checkpoint(pc.resolve("checkpoints")).latest().orElseThrow().epoch());
        assertEquals(0, CliRun.run("train", "--resume", crashed.toString()).status());
        assertArrayEquals(Logits.read(straight.resolve("seed-1/pc/logits-test.bin"), 256, 4),
                Logits.read(pc.resolve("logits-test.bin"), 256, 4), 0f, "resumed TorchScript model");
        assertTrue(Files.exists(pc.resolve("model/model-0000.params")), "exported again after resuming");
    }

    @Test
    void pretrainedDjlParametersStartTheNewModelWithItsHeadKeptOrReplaced() throws IOException {
        Path first = tmp.resolve("pretrain");
        PcJob.run(JobConfigLoader.load(job(oldFile("torchscript", "tiny-old-mlp.pt"), CNN),
                List.of("compare_baseline=false")), first);
        Path parameters = first.resolve("seed-1/pc/final.params");
        String architecture = "architecture: {type: cnn, channels: [8], hidden: [16], batch_norm: true}";
        for (String head : List.of("keep", "replace")) {
            Path run = tmp.resolve(head);
            PcResult result = PcJob.run(JobConfigLoader.load(job(oldFile("torchscript", "tiny-old-mlp.pt"),
                    "{source: params, file: " + parameters + ", " + architecture + ", head: " + head
                            + ", freeze_backbone: " + head.equals("keep") + "}"), List.of("compare_baseline=false")), run);
            assertFalse(Files.exists(run.resolve("seed-1/pc/model/pct-architecture.jar")), "no code by default");
            // Starting from the trained model, the kept head begins where the first run ended: better than chance.
            if (head.equals("keep")) {
                assertTrue(result.results().models().get(0).vsOld().errorRateNew() < 0.5,
                        "fine-tuning from a trained model: " + result.results().models().get(0).vsOld());
            }
        }
        // A file of another architecture is refused with the parameter and both shapes, before anything is written.
        Path wider = tmp.resolve("wider");
        CliRun.Result refused = CliRun.run("train", job(oldFile("torchscript", "tiny-old-mlp.pt"),
                "{source: params, file: " + parameters + ", architecture: {type: cnn, channels: [8], hidden: [32],"
                        + " batch_norm: true}}").toString(), "--run-dir", wider.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("final.params") && refused.err().contains("has shape"), refused.err());
        assertFalse(Files.exists(wider));
    }

    @Test
    void networksOfTheSameSeedStartAlikeSoBaselineAndPcShareTheirStart() {
        NewModel model = NewModel.torchScript(MODELS.resolve("tiny-backbone.pt"), NewModel.Head.REPLACE, false, 0.1f);
        List<float[]> first = new ArrayList<>();
        List<float[]> second = new ArrayList<>();
        for (List<float[]> into : List.of(first, second)) {
            try (Model holder = Model.newInstance("start")) {
                ai.djl.engine.Engine.getInstance().setRandomSeed(7);
                StageNetwork network = model.create(holder.getNDManager(), new Shape(1, 8, 8), 4);
                for (Pair<String, Parameter> p : network.block().getParameters()) {
                    into.add(p.getValue().getArray().toFloatArray());
                }
                // exact: the multipliers are configured constants, not computed
                assertEquals(0.1f, network.learningRateMultiplier(network.backboneParameters().iterator().next()));
                Block head = network.block().getChildren().get(1).getValue();
                assertEquals(1f, network.learningRateMultiplier(
                        network.block().getChildren().get(1).getKey() + "_" + head.getParameters().get(0).getKey()));
            }
        }
        assertEquals(first.size(), second.size());
        for (int k = 0; k < first.size(); k++) {
            assertArrayEquals(first.get(k), second.get(k), 0f, "parameter " + k);
        }
    }
}
