package dev.pct.train.job;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.loss.Loss;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.config.ArchitectureConfig;
import dev.pct.train.config.EffectiveLoss;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigWriter;
import dev.pct.train.config.OldModelSource;
import dev.pct.train.config.TrainingConfig;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.loop.BatchSource;
import dev.pct.train.loop.CachedTeacher;
import dev.pct.train.loop.Checkpoint;
import dev.pct.train.loop.Inference;
import dev.pct.train.loop.OnTheFlyTeacher;
import dev.pct.train.loop.StageLoss;
import dev.pct.train.loop.StageTrainer;
import dev.pct.train.loop.TeacherSource;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.PcOptimizer;
import dev.pct.train.report.EpochRecord;
import dev.pct.train.report.ModelResult;
import dev.pct.train.report.ReportWriter;
import dev.pct.train.report.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PC training job: old model, plain retrain and PC model trained and compared in one run directory.
 *
 * <p>Every stage (the old model; per seed the baseline and the PC model) keeps its checkpoints and, once
 * finished, its final parameters, test logits and history under {@code <run>/<stage>/}. Running the job
 * again on the same run directory skips finished stages and resumes an unfinished one from its newest
 * checkpoint, so a killed run continues where it stopped and ends with the same result.
 */
public final class PcJob {
    private static final Logger LOG = LoggerFactory.getLogger(PcJob.class);
    private static final String DONE = "done";
    private static final int EVAL_BATCH = 1024;

    private final JobConfig config;
    private final Path runDir;
    private final Device device;
    private final List<EpochRecord> history = new ArrayList<>();
    private JobData data;
    private int classes;
    private int[] oldTestPredictions;
    private int[] oldValidationPredictions;

    private PcJob(JobConfig config, Path runDir) {
        this.config = config;
        this.runDir = runDir;
        this.device = Devices.resolve(config.device());
    }

    /** What a finished job produced. */
    public record Result(Path runDirectory, RunResults results, String table) {}

    /**
     * Runs (or resumes) a job in a run directory.
     *
     * @param config the effective configuration
     * @param runDir the run directory; an existing one is resumed
     * @return the results and the console table
     * @throws IOException when files cannot be read or written
     */
    public static Result run(JobConfig config, Path runDir) throws IOException {
        return new PcJob(config, runDir).run();
    }

    private Result run() throws IOException {
        Files.createDirectories(runDir);
        RunLog.attach(runDir.resolve("train.log"));
        Path configFile = runDir.resolve("config.yaml");
        boolean resumed = Files.exists(configFile);
        if (!resumed) {
            JobConfigWriter.write(config, configFile);
        }
        writeProvenance(resumed);
        LOG.info("{} run {} on {} (seeds {}), directory {}", resumed ? "Resuming" : "Starting", config.name(),
                device, config.seeds(), runDir.toAbsolutePath());

        long start = System.nanoTime();
        data = JobData.load(config.data(), config.seeds().get(0));
        classes = data.trainSet().numClasses();
        LOG.info("Data: {} training, {} validation, {} test samples, {} classes, {}x{}x{}", data.train().size(),
                data.validation().size(), data.test().size(), classes, data.trainSet().channels(),
                data.trainSet().height(), data.trainSet().width());

        List<ModelResult> results = new ArrayList<>();
        try (Model oldModel = Model.newInstance("old", device)) {
            OldOutputs old = oldModel(oldModel);
            oldTestPredictions = FlipAccumulator.argmax(old.testLogits(), classes);
            oldValidationPredictions = old.block() == null || data.validation().size() == 0 ? null
                    : predict(old.block(), data.validation(), oldModel);
            EffectiveLoss loss = config.loss().effective();
            for (int seed : config.seeds()) {
                if (!loss.distills() || config.compareBaseline()) {
                    results.add(newModel("baseline", seed, null, old));
                }
                if (loss.distills()) {
                    results.add(newModel("pc", seed, loss, old));
                }
            }
        }
        int[] testLabels = data.test().labels();
        RunResults runResults = new RunResults(testLabels, oldTestPredictions, results, history);
        ReportWriter.builder()
                .setRunDirectory(runDir)
                .optClassNames(data.testSet().classNames())
                .build()
                .write(runResults);
        Map<String, FlipReport> table = new LinkedHashMap<>();
        for (ModelResult r : results) {
            table.put(r.model() + " seed " + r.seed(), r.vsOld());
        }
        String text = ReportWriter.formatTable(table);
        LOG.info("Done in {} s. Old model test error {}. Report: {}", Math.round((System.nanoTime() - start) / 1e9),
                String.format("%.4f", errorRate(oldTestPredictions, testLabels)), runDir.resolve("report.md"));
        return new Result(runDir, runResults, text);
    }

    /** The old model's logits on the training split (split order) and the test set. */
    private record OldOutputs(float[] trainLogits, float[] testLogits, Block block) {}

    private OldOutputs oldModel(Model model) throws IOException {
        Path dir = runDir.resolve("old");
        Path trainCache = dir.resolve("logits-train.bin");
        Path testCache = dir.resolve("logits-test.bin");
        OldModelSource source = config.oldModel().source();
        Shape input = new Shape(1).addAll(data.train().sampleShape());
        if (source == OldModelSource.LOGITS) {
            if (data.train().augments()) {
                throw new IllegalArgumentException("old_model.source: logits cannot be used with data.augment: "
                        + "augmented inputs need the old model itself (source train or checkpoint)");
            }
            Path trainFile = config.oldModel().logits().train();
            Path testFile = config.oldModel().logits().test();
            float[] train = Logits.rows(Logits.readCsv(trainFile, classes), classes, data.trainSet().sourceIndices(),
                    trainFile);
            float[] test = Logits.rows(Logits.readCsv(testFile, classes), classes, data.testSet().sourceIndices(),
                    testFile);
            LOG.info("Old model: logits read from {} and {}", trainFile, testFile);
            return new OldOutputs(train, test, null);
        }
        Block block = build(config.oldModel().architecture());
        model.setBlock(block);
        if (source == OldModelSource.CHECKPOINT) {
            block.initialize(model.getNDManager(), DataType.FLOAT32, input);
            Checkpoint.loadParameters(block, config.oldModel().checkpoint(), model.getNDManager());
            LOG.info("Old model: parameters loaded from {}", config.oldModel().checkpoint());
        } else if (Files.exists(dir.resolve(DONE))) {
            block.initialize(model.getNDManager(), DataType.FLOAT32, input);
            Checkpoint.loadParameters(block, dir.resolve("final.params"), model.getNDManager());
            history.addAll(StageHistory.read(dir.resolve(StageHistory.FILE)));
            LOG.info("Old model: finished earlier, loaded from {}", dir);
        } else {
            trainStage(model, "old", config.seeds().get(0), config.oldModelTraining(),
                    Loss.softmaxCrossEntropyLoss(), TeacherSource.NONE, dir);
        }
        if (Files.exists(trainCache) && Files.exists(testCache)) {
            return new OldOutputs(Logits.read(trainCache, data.train().size(), classes),
                    Logits.read(testCache, data.test().size(), classes), block);
        }
        // Computed once: the teacher targets of every later stage come from these logits.
        float[] train = Inference.logits(block, data.trainPlain(), device, EVAL_BATCH, model.getNDManager());
        float[] test = Inference.logits(block, data.test(), device, EVAL_BATCH, model.getNDManager());
        Logits.write(trainCache, train, classes);
        Logits.write(testCache, test, classes);
        return new OldOutputs(train, test, block);
    }

    private ModelResult newModel(String name, int seed, EffectiveLoss loss, OldOutputs old) throws IOException {
        Path dir = runDir.resolve("seed-" + seed).resolve(name);
        Path testCache = dir.resolve("logits-test.bin");
        float[] testLogits;
        if (Files.exists(dir.resolve(DONE))) {
            LOG.info("{} seed {}: finished earlier, results read from {}", name, seed, dir);
            testLogits = Logits.read(testCache, data.test().size(), classes);
            history.addAll(StageHistory.read(dir.resolve(StageHistory.FILE)));
        } else {
            try (Model model = Model.newInstance(name + "-seed" + seed, device)) {
                model.setBlock(build(config.newModel().architecture()));
                Loss lossFunction;
                TeacherSource teacher;
                if (loss == null) {
                    lossFunction = Loss.softmaxCrossEntropyLoss();
                    teacher = TeacherSource.NONE;
                } else {
                    FocalDistillationLoss focal = focalLoss(loss);
                    lossFunction = focal;
                    if (data.train().augments()) {
                        teacher = new OnTheFlyTeacher(old.block(), focal);
                    } else {
                        try (NDManager scratch = model.getNDManager().newSubManager()) {
                            teacher = CachedTeacher.compute(
                                    focal, old.trainLogits(), data.train().labels(), classes, scratch);
                        }
                    }
                }
                trainStage(model, name, seed, config.training(), lossFunction, teacher, dir);
                testLogits = Logits.read(testCache, data.test().size(), classes);
            }
        }
        int[] predictions = FlipAccumulator.argmax(testLogits, classes);
        return new ModelResult(name, seed, predictions,
                flipReport(classes, data.test().labels(), oldTestPredictions, predictions));
    }

    private void trainStage(Model model, String name, int seed, TrainingConfig training, Loss loss,
            TeacherSource teacher, Path dir) throws IOException {
        Path historyFile = dir.resolve(StageHistory.FILE);
        TreeMap<Integer, EpochRecord> records = new TreeMap<>();
        for (EpochRecord r : StageHistory.read(historyFile)) {
            records.put(r.epoch(), r);
        }
        StageTrainer trainer = new StageTrainer(name + " seed " + seed, seed, settings(training), StageLoss.of(loss), teacher,
                device, new Checkpoint(dir.resolve("checkpoints")));
        trainer.train(model, data.train(), (row, block) -> {
            int[] validation = data.validation().size() == 0 ? null : predict(block, data.validation(), model);
            double validationError = validation == null ? Double.NaN
                    : errorRate(validation, data.validation().labels());
            // Validation NFR: what defaults are chosen on, so the test set is only ever reported.
            double validationNfr = validation == null || oldValidationPredictions == null ? Double.NaN
                    : negativeFlipRate(data.validation().labels(), oldValidationPredictions, validation);
            int[] test = predict(block, data.test(), model);
            double testError = errorRate(test, data.test().labels());
            double nfr = oldTestPredictions == null ? Double.NaN
                    : negativeFlipRate(data.test().labels(), oldTestPredictions, test);
            records.put(row.epoch(), new EpochRecord(name, seed, row.epoch(), row.trainLoss(), row.crossEntropy(),
                    row.distillation(), row.trainError(), validationError, validationNfr, testError, nfr, row.samplesPerSecond(),
                    row.seconds()));
            LOG.info(String.format("%s seed %d epoch %d: validation error %.4f, validation NFR %s, test error %.4f, "
                            + "test NFR %s", name, seed, row.epoch(), validationError, rate(validationNfr), testError,
                    rate(nfr)));
            try {
                StageHistory.write(historyFile, new ArrayList<>(records.values()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Block block = model.getBlock();
        Checkpoint.saveParameters(block, dir.resolve("final.params"));
        Logits.write(dir.resolve("logits-test.bin"),
                Inference.logits(block, data.test(), device, EVAL_BATCH, model.getNDManager()), classes);
        history.addAll(records.values());
        AtomicFiles.writeString(dir.resolve(DONE), Instant.now() + "\n");
    }

    /**
     * Scores saved models or saved logits on the configured test set against each other.
     *
     * @param config the job configuration (data, and the architectures of saved parameter files)
     * @param oldPath the old model: a parameter file saved by a run ({@code final.params}) or a logits CSV
     * @param newPath the new model, likewise
     * @return the flip report of new against old
     * @throws IOException when a file cannot be read
     */
    public static FlipReport evaluate(JobConfig config, Path oldPath, Path newPath) throws IOException {
        PcJob job = new PcJob(config, null);
        job.data = JobData.load(config.data(), config.seeds().get(0));
        job.classes = job.data.trainSet().numClasses();
        int[] oldPredictions = job.scoreFile(oldPath, config.oldModel().architecture());
        int[] newPredictions = job.scoreFile(newPath, config.newModel().architecture());
        return flipReport(job.classes, job.data.test().labels(), oldPredictions, newPredictions);
    }

    private int[] scoreFile(Path file, ArchitectureConfig architecture) throws IOException {
        if (file.toString().endsWith(".csv")) {
            float[] logits = Logits.rows(Logits.readCsv(file, classes), classes, data.testSet().sourceIndices(), file);
            return FlipAccumulator.argmax(logits, classes);
        }
        try (Model model = Model.newInstance("scored", device)) {
            Block block = build(architecture);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(data.test().sampleShape()));
            Checkpoint.loadParameters(block, file, model.getNDManager());
            return predict(block, data.test(), model);
        }
    }

    private int[] predict(Block block, BatchSource set, Model model) {
        return FlipAccumulator.argmax(Inference.logits(block, set, device, EVAL_BATCH, model.getNDManager()), classes);
    }

    private double negativeFlipRate(int[] labels, int[] oldPredictions, int[] newPredictions) {
        return flipReport(classes, labels, oldPredictions, newPredictions).negativeFlipRate();
    }

    private static FlipReport flipReport(int classes, int[] labels, int[] oldPredictions, int[] newPredictions) {
        FlipAccumulator flips = new FlipAccumulator(classes);
        flips.add(labels, oldPredictions, newPredictions);
        return flips.report();
    }

    private static String rate(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.4f", value);
    }

    private static double errorRate(int[] predictions, int[] labels) {
        long wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] != labels[i]) {
                wrong++;
            }
        }
        return labels.length == 0 ? 0 : (double) wrong / labels.length;
    }

    private Block build(ArchitectureConfig a) {
        ModelSpec spec = ModelSpec.builder()
                .setType(a.type().spelling())
                .optHidden(a.hidden())
                .optChannels(a.channels())
                .optBatchNorm(a.batchNorm())
                .optDropout(a.dropout())
                .optDepth(a.depth() > 0 ? a.depth() : ModelSpec.DEFAULT_DEPTH)
                .build();
        Shape s = data.train().sampleShape();
        return ModelFactory.build(spec, (int) s.get(0), (int) s.get(1), (int) s.get(2), classes);
    }

    static FocalDistillationLoss focalLoss(EffectiveLoss loss) {
        return FocalDistillationLoss.builder()
                .optAlpha((float) loss.alpha())
                .optBeta((float) loss.beta())
                .optTau((float) loss.tau())
                .optLambda((float) loss.lambda())
                .optDistance(loss.logitMatching() ? Distance.LOGIT_MATCHING : Distance.KL)
                .optFilter(SampleFilter.valueOf(loss.filter().name()))
                .optClassReduction(ClassReduction.valueOf(loss.classReduction().name()))
                .build();
    }

    static TrainingSettings settings(TrainingConfig t) {
        return new TrainingSettings(
                t.epochs(),
                t.batchSize(),
                PcOptimizer.Kind.valueOf(t.optimizer().type().name()),
                (float) t.optimizer().momentum(),
                (float) t.optimizer().beta1(),
                (float) t.optimizer().beta2(),
                (float) t.optimizer().epsilon(),
                LearningRateSchedule.Type.valueOf(t.schedule().type().name()),
                t.learningRate(),
                t.schedule().warmupEpochs(),
                t.schedule().stepEpochs(),
                t.schedule().gamma(),
                t.schedule().minLearningRate(),
                (float) t.weightDecay(),
                t.gradClipNorm(),
                t.logEverySteps(),
                t.checkpointEveryEpochs());
    }

    private void writeProvenance(boolean resumed) throws IOException {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", config.name());
        info.put("seeds", config.seeds());
        info.put("device", device.toString());
        info.put("resumed", resumed);
        info.put("time", Instant.now().toString());
        info.put("pct_version", String.valueOf(PcJob.class.getPackage().getImplementationVersion()));
        info.put("djl_version", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        info.put("engine", engine.getEngineName() + " " + engine.getVersion());
        info.put("gpu_count", engine.getGpuCount());
        info.put("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        info.put("cpus", Runtime.getRuntime().availableProcessors());
        info.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        String name = resumed ? "run-info-resume-" + System.currentTimeMillis() + ".json" : "run-info.json";
        AtomicFiles.writeString(runDir.resolve(name),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
    }
}
