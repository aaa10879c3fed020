package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.SampleFilter;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.model.Architecture;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.OptimizerSettings;
import dev.pct.train.optim.PcOptimizer;
import dev.pct.train.optim.ScheduleSettings;
import dev.pct.train.reference.ReferenceSource;
import dev.pct.train.reference.WeightsFrom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Floating values here are parsed from decimal text or set from literals and compared exactly: the same decimal
// always gives the same double (or float), with no arithmetic in between.
class JobConfigLoaderTest {

    /** The smallest valid job: only the required values. */
    static final String MINIMAL = """
            name: minimal
            data:
              source: synthetic
            old_model:
              architecture:
                type: mlp
            new_model:
              architecture:
                type: cnn
            """;

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigException fails(Path file, String... overrides) {
        return assertThrows(ConfigException.class, () -> JobConfigLoader.load(file, List.of(overrides)));
    }

    /** Checks a hand-counted 1-based line number against the YAML text itself. */
    private static void assertLine(String yaml, int line, String text) {
        assertEquals(text, yaml.lines().toList().get(line - 1).trim(), "line " + line + " of the test YAML");
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected '" + part + "' in:\n" + message);
        }
    }

    // ---- defaults ----

    @Test
    void missingOptionalKeysGetDefaults() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL));

        assertEquals("minimal", config.name());
        assertEquals(List.of(1), config.seeds());
        assertEquals("auto", config.device());
        assertEquals(Path.of("runs"), config.output());
        assertTrue(config.compareBaseline());

        DataConfig data = config.data();
        assertEquals(DataSource.SYNTHETIC, data.source());
        assertNull(data.path());
        assertEquals(0.1, data.validationFraction());
        assertTrue(data.normalize());
        assertEquals(0, data.trainLimit());
        assertEquals(new AugmentConfig(0, false), data.augment());
        assertEquals(List.of(32, 32), data.imageSize());
        assertEquals(3, data.channels());
        assertEquals(new SyntheticConfig(512, 256, 4, 1, 8, 8, 1.0), data.synthetic());

        assertEquals(OldModelSource.TRAIN, config.oldModel().source());
        assertEquals(new ModelSpec(Architecture.MLP, List.of(128), List.of(32, 64), false, 0.0, 0),
                config.oldModel().architecture());
        assertNull(config.oldModel().training());
        assertEquals(Architecture.CNN, config.newModel().architecture().type());

        assertEquals(new LossConfig(Treatment.FD_KL, 1.0, 5.0, 100.0, 1.0, SampleFilter.OLD_CORRECT,
                ClassReduction.SUM, 0.0, 2.0, 0, false, ReferenceSource.OLD, 4, WeightsFrom.OLD,
                Treatment.NONE, 0, 1, 1, 1, SampleFilter.OLD_INCORRECT), config.loss());
        TrainingSettings training = config.training();
        assertEquals(10, training.epochs());
        assertEquals(128, training.batchSize());
        assertEquals(new OptimizerSettings(PcOptimizer.Kind.NESTEROV, 0.9, 0.9, 0.999, 1e-8), training.optimizer());
        assertEquals(0.05, training.learningRate());
        assertEquals(new ScheduleSettings(LearningRateSchedule.Type.COSINE, 1, 10, 0.1, 0.0), training.schedule());
        assertEquals(5e-4, training.weightDecay());
        assertEquals(0.0, training.gradClipNorm());
        assertEquals(50, training.logEverySteps());
        assertEquals(1, training.checkpointEveryEpochs());
        assertEquals(training, config.oldModelTraining());
    }

    @Test
    void partialSectionsKeepTheirOtherDefaults() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL + """
                training:
                  optimizer: {type: adam, epsilon: 1e-6}
                  schedule: {type: step}
                """));
        // 1e-6 is text to YAML 1.1 (no dot); it is still accepted as a number.
        assertEquals(new OptimizerSettings(PcOptimizer.Kind.ADAM, 0.9, 0.9, 0.999, 1e-6), config.training().optimizer());
        assertEquals(new ScheduleSettings(LearningRateSchedule.Type.STEP, 1, 10, 0.1, 0.0), config.training().schedule());
        assertEquals(10, config.training().epochs());
    }

    @Test
    void oldModelTrainingInheritsTopLevelTraining() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL.replace("    type: mlp\n",
                "    type: mlp\n  training: {epochs: 1, optimizer: {momentum: 0.5}}\n") + """
                training:
                  epochs: 7
                  batch_size: 32
                  optimizer: {type: sgd}
                """));
        TrainingSettings old = config.oldModelTraining();
        assertEquals(1, old.epochs());
        assertEquals(32, old.batchSize());
        assertEquals(new OptimizerSettings(PcOptimizer.Kind.SGD, 0.5, 0.9, 0.999, 1e-8), old.optimizer());
        assertEquals(7, config.training().epochs());
        assertEquals(0.9, config.training().optimizer().momentum());
    }

    @Test
    void relativeDataPathResolvesAgainstTheJobFileFolder() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("jobs"));
        Path file = sub.resolve("job.yaml");
        Files.writeString(file, MINIMAL.replace("source: synthetic", "source: idx\n  path: ../data/fm"));
        assertEquals(dir.resolve("data/fm").toAbsolutePath().normalize(), JobConfigLoader.load(file).data().path());
    }

    @Test
    void aSharedTeacherCacheResolvesAgainstTheJobFileFolderAndNeedsAnOldModelFile() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("jobs"));
        Path file = sub.resolve("job.yaml");
        Files.writeString(file, MINIMAL.replace("old_model:\n  architecture:\n    type: mlp\n",
                "old_model: {source: djl, file: exported, cache: ../teacher}\n"));
        assertEquals(dir.resolve("teacher").toAbsolutePath().normalize(), JobConfigLoader.load(file).oldModel().cache());
        assertEquals(null, JobConfigLoader.load(write("plain.yaml", MINIMAL)).oldModel().cache(), "default: none");
        Path trained = write("trained.yaml", MINIMAL.replace("old_model:\n  architecture:\n    type: mlp\n",
                "old_model: {source: train, architecture: {type: mlp}, cache: teacher}\n"));
        assertContains(fails(trained).getMessage(), "old_model.cache", "no cache with source train");
    }

    @Test
    void seedShorthandAndScalarDevice() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL + "seed: 3\ndevice: gpu:1\n"));
        assertEquals(List.of(3), config.seeds());
        assertEquals("gpu:1", config.device());
    }

    @Test
    void runDirectoryIsNameAndTimestampUnderOutput() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL));
        assertEquals(Path.of("runs", "minimal-20240305-070809"),
                config.runDirectory(LocalDateTime.of(2024, 3, 5, 7, 8, 9)));
    }

    // ---- overrides ----

    @Test
    void overridesSetScalarsEnumsListsAndNestedKeys() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL + "seeds: [5]\n"), List.of(
                "training.epochs=2",
                "loss.treatment=none",
                "seeds=[1, 2]",
                "data.augment.horizontal_flip=true",
                "training.optimizer.type=adam",
                "old_model.training={epochs: 3}"));
        assertEquals(2, config.training().epochs());
        assertEquals(Treatment.NONE, config.loss().treatment());
        assertEquals(List.of(1, 2), config.seeds());
        assertEquals(new AugmentConfig(0, true), config.data().augment());
        assertEquals(PcOptimizer.Kind.ADAM, config.training().optimizer().type());
        assertEquals(3, config.oldModelTraining().epochs());
        assertEquals(PcOptimizer.Kind.ADAM, config.oldModelTraining().optimizer().type());
    }

    @Test
    void seedOverrideReplacesSeedsFromTheFile() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL + "seeds: [5, 6]\n"), List.of("seed=9"));
        assertEquals(List.of(9), config.seeds());
    }

    @Test
    void relativePathFromSetResolvesAgainstWorkingDirectory() throws IOException {
        JobConfig config = JobConfigLoader.load(write("job.yaml", MINIMAL), List.of("data.path=some/data"));
        assertEquals(Path.of("some/data").toAbsolutePath().normalize(), config.data().path());
    }

    @Test
    void overrideOfUnknownKeyNamesTheKeyAndTheValidKeys() throws IOException {
        Path file = write("job.yaml", MINIMAL);
        ConfigException e = fails(file, "training.epoch=2");
        assertEquals(1, e.problems().size());
        assertContains(e.getMessage(), file.toString(), "(from --set training.epoch=2)", "training.epoch",
                "unknown key 'epoch'", "keys under training: epochs, batch_size, optimizer, learning_rate",
                "did you mean 'epochs'?");

        assertContains(fails(file, "trainig.epochs=2").getMessage(), "unknown key 'trainig'",
                "top-level keys: name, seed, seeds, device", "did you mean 'training'?");
        assertContains(fails(file, "training.epochs.x=1").getMessage(), "training.epochs", "not a section");
        assertContains(fails(file, "epochs").getMessage(), "expected key.path=value");
    }

    @Test
    void invalidOverrideValueSaysFromSet() throws IOException {
        Path file = write("job.yaml", MINIMAL);
        ConfigException e = fails(file, "loss.tau=0");
        assertContains(e.getMessage(), file + " (from --set loss.tau=0): loss.tau: got 0.0, expected a number > 0");
        assertContains(fails(file, "training.batch_size=lots").getMessage(),
                "(from --set training.batch_size=lots): training.batch_size: got \"lots\", expected an integer");
    }

    // ---- errors with locations ----

    @Test
    void unknownKeyInFileReportsItsLine() throws IOException {
        String yaml = MINIMAL + """
                training:
                  epochs: 3
                  batch_sise: 64
                """;
        // MINIMAL has 9 lines, then training (10), epochs (11), batch_sise (12).
        assertLine(yaml, 12, "batch_sise: 64");
        Path file = write("job.yaml", yaml);
        ConfigException e = fails(file);
        assertEquals(1, e.problems().size());
        ConfigProblem problem = e.problems().get(0);
        assertEquals(12, problem.line());
        assertEquals(3, problem.column());
        assertEquals("training.batch_sise", problem.keyPath());
        assertContains(e.getMessage(), file + ":12:3: training.batch_sise: unknown key 'batch_sise'",
                "did you mean 'batch_size'?");
    }

    @Test
    void wrongTypeNamesValueAndExpectation() throws IOException {
        String yaml = MINIMAL + """
                seeds: [1, x]
                training:
                  epochs: many
                  optimizer: nesterov
                """;
        assertLine(yaml, 10, "seeds: [1, x]");
        assertLine(yaml, 12, "epochs: many");
        assertLine(yaml, 13, "optimizer: nesterov");
        Path file = write("job.yaml", yaml);
        ConfigException e = fails(file);
        String m = e.getMessage();
        assertContains(m, file + ":10:12: seeds[1]: got \"x\", expected an integer");
        assertContains(m, file + ":12:3: training.epochs: got \"many\", expected an integer");
        assertContains(m, file + ":13:3: training.optimizer: got \"nesterov\", expected a mapping with keys: "
                + "type, momentum, beta1, beta2, epsilon");
        assertEquals(3, e.problems().size());
    }

    @Test
    void missingRequiredValues() throws IOException {
        Path file = write("job.yaml", """
                data:
                  source: idx
                new_model:
                  architecture: {hidden: [10]}
                """);
        ConfigException e = fails(file);
        String m = e.getMessage();
        // A missing key is located at its nearest present ancestor.
        assertContains(m, file + ":1:1: name: missing required value, expected a string");
        assertContains(m, file + ":4:3: new_model.architecture.type: missing required value, "
                + "expected one of: mlp, cnn, lenet, resnet");
        assertEquals(2, e.problems().size());

        // Conditional requirements are checked after binding: path for idx, architecture to train.
        ConfigException later = fails(write("job2.yaml", "name: x\n" + """
                data:
                  source: idx
                new_model:
                  architecture: {type: mlp}
                """));
        assertContains(later.getMessage(),
                ":2:1: data.path: missing required value, expected a path (required for source idx)",
                "old_model.architecture: missing required value");
    }

    @Test
    void outOfRangeValuesReportLineKeyValueAndRange() throws IOException {
        String yaml = MINIMAL + """
                loss:
                  tau: 0
                  beta: -1
                training:
                  batch_size: 0
                  epochs: 3
                  schedule: {warmup_epochs: 4}
                """;
        assertLine(yaml, 11, "tau: 0");
        assertLine(yaml, 12, "beta: -1");
        assertLine(yaml, 14, "batch_size: 0");
        assertLine(yaml, 16, "schedule: {warmup_epochs: 4}");
        Path file = write("job.yaml", yaml);
        ConfigException e = fails(file);
        String m = e.getMessage();
        assertContains(m, file + ":11:3: loss.tau: got 0.0, expected a number > 0");
        assertContains(m, file + ":12:3: loss.beta: got -1.0, expected a number >= 0");
        assertContains(m, file + ":14:3: training.batch_size: got 0, expected an integer >= 1");
        assertContains(m, file + ":16:14: training.schedule.warmup_epochs: got 4, expected an integer >= 0 and "
                + "<= training.epochs (3)");
        assertEquals(4, e.problems().size());
        assertContains(m, "(4 problems)");
    }

    @Test
    void badEnumSpellingListsTheValidOnes() throws IOException {
        String yaml = MINIMAL + "training:\n  optimizer:\n    type: rmsprop\nloss: {treatment: FD-KL}\n";
        assertLine(yaml, 12, "type: rmsprop");
        assertLine(yaml, 13, "loss: {treatment: FD-KL}");
        Path file = write("job.yaml", yaml);
        String m = fails(file).getMessage();
        assertContains(m, file + ":12:5: training.optimizer.type: got \"rmsprop\", expected one of: sgd, nesterov, adam");
        assertContains(m, file + ":13:8: loss.treatment: got \"FD-KL\", expected one of: none, fd-kl, fd-lm, fd-ldi, kd");
    }

    @Test
    void seedAndSeedsTogetherIsAnError() throws IOException {
        String yaml = MINIMAL + "seeds: [1]\nseed: 2\n";
        assertLine(yaml, 11, "seed: 2");
        Path file = write("job.yaml", yaml);
        ConfigException e = fails(file);
        assertEquals(1, e.problems().size());
        assertContains(e.getMessage(), file + ":11:1: seed: give either seed (one seed) or seeds (a list), not both");
    }

    @Test
    void otherConsistencyChecks() throws IOException {
        String yaml = MINIMAL.replace("type: cnn", "type: resnet") + """
                seeds: [1, 1]
                device: gpu:x
                """;
        assertLine(yaml, 11, "device: gpu:x");
        Path file = write("job.yaml", yaml);
        String m = fails(file).getMessage();
        assertContains(m, "new_model.architecture.depth: got 0, expected an integer > 0 (required for type resnet)");
        assertContains(m, "seeds[1]: got 1, expected distinct seeds");
        assertContains(m, file + ":11:1: device: got \"gpu:x\", expected auto, cpu, gpu (GPU 0) or gpu:N");

        // A job trains on one device: a list is a structural error, named as such.
        Path list = write("list.yaml", MINIMAL + "device: [gpu:0, gpu:1]\n");
        assertContains(fails(list).getMessage(), "device: got [\"gpu:0\",\"gpu:1\"], expected one device: auto, cpu,"
                + " gpu or gpu:N (a job trains on one device; data-parallel training over several is not supported)");

        Path logits = write("logits.yaml", "name: l\ndata: {source: synthetic}\nold_model: {source: logits}\n"
                + "new_model: {architecture: {type: mlp}}\n");
        assertContains(fails(logits).getMessage(), "old_model.logits.train: missing required value",
                "old_model.logits.test: missing required value");
    }

    @Test
    void invalidYamlAndMissingFile() throws IOException {
        Path file = write("job.yaml", "name: x\ndata: [unclosed\n");
        ConfigException e = fails(file);
        assertContains(e.getMessage(), file.toString(), "not valid YAML");
        assertTrue(e.problems().get(0).line() >= 2);

        Path duplicate = write("dup.yaml", MINIMAL + "name: again\n");
        assertContains(fails(duplicate).getMessage(), ":10:", "not valid YAML", "Duplicate field 'name'");

        assertContains(fails(dir.resolve("absent.yaml")).getMessage(), "absent.yaml", "job file not found");
        assertContains(fails(write("empty.yaml", "")).getMessage(), "empty");
        assertContains(fails(write("list.yaml", "- a\n")).getMessage(), "expected a mapping of job keys");
    }

    // ---- shipped configs and round trip ----

    private static Path shipped(String name) {
        // Surefire runs in the module folder; configs/ is at the repository root.
        return Path.of("..", "configs", name).toAbsolutePath().normalize();
    }

    @Test
    void theTorchScriptExampleNamesTheCommittedFixture() {
        JobConfig torchscript = JobConfigLoader.load(shipped("fashion-mnist-torchscript.yaml"));
        assertEquals(OldModelSource.TORCHSCRIPT, torchscript.oldModel().source());
        assertTrue(java.nio.file.Files.isRegularFile(torchscript.oldModel().file()), "the example's model file");
        assertEquals(List.of(0.2860), torchscript.oldModel().preprocessing().mean());
    }

    @Test
    void everyFileInConfigsLoads() throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(shipped(""))) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(yaml.size() >= 6, yaml.toString());
            for (Path file : yaml) {
                JobConfig config = JobConfigLoader.load(file);
                assertEquals(config, JobConfigLoader.load(write(file.getFileName().toString(), config.toYaml())),
                        file + " loads back from its effective YAML");
            }
        }
    }

    @Test
    void everyShippedConfigLoads() {
        JobConfig fashion = JobConfigLoader.load(shipped("fashion-mnist.yaml"));
        assertEquals("fashion-mnist", fashion.name());
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), fashion.data().path());
        assertEquals(Architecture.MLP, fashion.oldModel().architecture().type());
        assertEquals(List.of(64), fashion.oldModel().architecture().hidden());
        assertTrue(fashion.newModel().architecture().batchNorm());
        assertEquals(1.0, fashion.loss().tau());
        assertTrue(fashion.compareBaseline());
        assertEquals(2, fashion.oldModelTraining().epochs());
        assertEquals(fashion.training().batchSize(), fashion.oldModelTraining().batchSize());

        JobConfig baseline = JobConfigLoader.load(shipped("fashion-mnist-baseline.yaml"));
        assertEquals(Treatment.NONE, baseline.loss().treatment());
        assertEquals(0.0, baseline.loss().toLoss().getLambda());

        JobConfig cifar = JobConfigLoader.load(shipped("cifar10-resnet.yaml"));
        assertEquals(DataSource.CIFAR10, cifar.data().source());
        assertEquals(Path.of(System.getProperty("user.home"), "datasets", "cifar-10-batches-bin"),
                cifar.data().path());
        assertEquals(20, cifar.newModel().architecture().depth());
        assertEquals(new AugmentConfig(4, true), cifar.data().augment());
        assertEquals("gpu:0", cifar.device());
        assertEquals(100.0, cifar.loss().tau());

        JobConfig smoke = JobConfigLoader.load(shipped("smoke.yaml"));
        assertEquals(new SyntheticConfig(512, 256, 4, 1, 8, 8, 0.3), smoke.data().synthetic());
        assertEquals(3, smoke.training().epochs());
        assertEquals(3, smoke.oldModelTraining().epochs());
    }

    @Test
    void modelFilesNeedTheirFileTheirNormalizationAndConsistentPreprocessing() throws IOException {
        Path file = write("files.yaml", """
                name: files
                data: {source: synthetic}
                old_model:
                  source: torchscript
                  preprocessing: {image_size: [28], mean: [0.1, 0.2], std: [0.3], channels: 2}
                new_model: {source: params, head: keep, backbone_learning_rate: 1.5}
                """);
        ConfigException e = fails(file);
        assertContains(e.getMessage(),
                "old_model.file: missing required value, expected a path (required for source torchscript: the model file)",
                "old_model.preprocessing.image_size: got [28], expected two integers [height, width]",
                "old_model.preprocessing.channels: got 2, expected 1 (grayscale), 3 (RGB), or 0 for the data's",
                "old_model.preprocessing.std: got [0.3], expected one value per channel, as many as mean has (2)",
                "new_model.architecture: missing required value, expected a mapping with keys type, hidden, ... (required for source"
                        + " params)",
                "new_model.file: missing required value, expected a path (required for source params)",
                "new_model.backbone_learning_rate: got 1.5, expected a number > 0 and <= 1");
        // ONNX needs the normalization the model was trained with; a directory pct exported does not.
        Path onnx = write("onnx.yaml", MINIMAL.replace("old_model:\n  architecture:\n    type: mlp\n",
                "old_model: {source: onnx, file: m.onnx}\n"));
        assertContains(fails(onnx).getMessage(), "old_model.preprocessing.mean: missing required value, expected the per-channel mean"
                + " the model was trained with (required for source onnx: its normalization is not in the file)");
        Path djl = write("djl.yaml", MINIMAL.replace("old_model:\n  architecture:\n    type: mlp\n",
                "old_model: {source: djl, file: exported}\n"));
        JobConfig config = JobConfigLoader.load(djl);
        assertEquals(dir.resolve("exported"), config.oldModel().file(), "resolved against the job file's folder");
        assertEquals(NewModelSource.ARCHITECTURE, config.newModel().source());
        assertEquals(dev.pct.train.update.NewModel.Head.AUTO, config.newModel().head());
    }

    @Test
    void effectiveYamlLoadsBackToAnEqualConfig() throws IOException {
        for (String name : List.of("fashion-mnist.yaml", "fashion-mnist-baseline.yaml", "cifar10-resnet.yaml",
                "smoke.yaml", "fashion-mnist-torchscript.yaml")) {
            JobConfig config = JobConfigLoader.load(shipped(name), List.of("seeds=[3, 4]", "name=2024"));
            Path copy = dir.resolve("effective-" + name);
            JobConfigWriter.write(config, copy);
            JobConfig again = JobConfigLoader.load(copy);
            assertEquals(config, again, () -> name + " did not round-trip:\n" + config.toYaml());
            assertEquals(config.toYaml(), again.toYaml());
        }
        JobConfig logits = JobConfigLoader.load(write("logits.yaml", "name: l\ndata: {source: synthetic}\n"
                + "old_model: {source: logits, logits: {train: a.csv, test: b.csv}}\n"
                + "new_model: {architecture: {type: mlp, hidden: []}}\n"
                + "training: {optimizer: {epsilon: 1e-8}, weight_decay: 1e10}\n"));
        String yaml = logits.toYaml();
        assertFalse(yaml.contains("file://"), yaml);
        assertEquals(logits, JobConfigLoader.load(write("logits-again.yaml", yaml)));
    }
}
