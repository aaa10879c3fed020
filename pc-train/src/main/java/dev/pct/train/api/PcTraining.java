package dev.pct.train.api;

import static dev.pct.train.report.ModelRoles.BASELINE;
import static dev.pct.train.report.ModelRoles.OLD;
import static dev.pct.train.report.ModelRoles.PC;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.loss.Loss;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.TwoSourceDistillationLoss;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.check.UpdateRules;
import dev.pct.train.data.PcData;
import dev.pct.train.data.SubsetBatches;
import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.io.RunLock;
import dev.pct.train.io.RunLog;
import dev.pct.train.io.Spelling;
import dev.pct.train.loop.LoadingProbe;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.loop.StageLoss;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.reference.Reference;
import dev.pct.train.report.Confidence;
import dev.pct.train.report.EpochRecord;
import dev.pct.train.report.MergedRuns;
import dev.pct.train.report.ReportWriter;
import dev.pct.train.report.RunResults;
import dev.pct.train.selection.EpochSelection;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.teacher.LogitRows;
import dev.pct.train.teacher.TeacherCaches;
import dev.pct.train.teacher.TeacherSource;
import dev.pct.train.teacher.TwoSourceTeacher;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.OldLogits;
import dev.pct.train.update.OldModel;
import dev.pct.train.update.OldModelFiles;
import dev.pct.train.update.StageNetwork;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positive-congruent training for code that has its own DJL models and data: the new model is trained with
 * plain cross-entropy (the baseline) and with focal distillation against the old model (Yan et al.,
 * "Positive-Congruent Training: Towards Regression-Free Model Updates", CVPR 2021, <a
 * href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>), once per seed and from the same starting
 * weights, and the run directory receives the side-by-side report (error rates, negative flips), every
 * stage's checkpoints and history, and every new model exported as a DJL model directory.
 *
 * <pre>{@code
 * PcResult result = PcTraining.builder()
 *         .setRunDirectory(Path.of("runs/update-7"))
 *         .setData(PcData.of(trainSet, validationSet, testSet, 10, manager))
 *         .setOldModel(OldModel.of(productionModel))            // or setOldLogits(...)
 *         .setNewModel(NewModel.of("my resnet", () -> myResNet())) // or NewModel.torchScript(...)
 *         .optLoss(FocalDistillationLoss.builder().optTau(1f).optAlpha(0f).optBeta(1f).build())
 *         .optTraining(TrainingSettings.builder().optEpochs(15).build())
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>Before anything is written, both models are checked against the data (input shape, number of classes),
 * so a model that does not fit fails with a message and leaves no run directory behind. Running again on an
 * existing run directory reads the finished stages back and resumes an unfinished one from its newest
 * checkpoint, with the same result as an uninterrupted run. One job at a time holds a run directory (see
 * {@link RunLock}): a second job started on it fails with {@link dev.pct.train.io.RunDirectoryLockedException}
 * before it writes anything, and a killed job leaves no lock behind. The old model's outputs are computed once and
 * cached in the run directory, unless augmentation changes the inputs every epoch, in which case the old model
 * runs on every batch.
 */
public final class PcTraining {
    private static final Logger LOG = LoggerFactory.getLogger(PcTraining.class);
    /** The report's name, and the directory, of a seed's weight-interpolated model. */
    static final String INTERPOLATED = "interpolated";
    /** How long the input pipeline is measured alone before training. */
    private static final double LOADING_PROBE_SECONDS = 3;

    private final Path runDir;
    private final PcData data;
    private final NewModel newModel;
    /** Whether the new model starts from the weights of the old model trained in the job. */
    private final boolean newModelFromOld;
    /** The share of the training split the old model trained in the job sees. */
    private final double oldTrainFraction;
    /** The new model the stages train: {@link #newModel}, or once the old model is trained, from its weights. */
    private NewModel stagesModel;
    private final OldModel oldModel;
    private final OldLogits oldLogits;
    private final NewModel oldArchitecture;
    private final TrainingSettings oldTraining;
    /** The seed the old model trained in the run trains with: the first seed unless set. */
    private final int oldSeed;
    private final FocalDistillationLoss loss;
    private final Map<String, PcSetting> sweep;
    private final SelectionSettings selection;
    private final TrainingSettings training;
    private final List<Integer> seeds;
    private final boolean baseline;
    private final Device device;
    private final String name;
    private final boolean export;
    private final boolean exportArchitectureJar;
    private final int profileEpoch;
    private final int evalBatchSize;
    private final int workers;
    private final LogitCache.Precision cachePrecision;
    /** A folder of teacher caches that {@code pc-train teacher} made and jobs share, or null: the run's own. */
    private final Path sharedTeacherCache;
    private final InterpolationSettings interpolation;
    /** The old model's parameters for weight interpolation, when it is given (a checkpoint), not trained here. */
    private final Path oldParameters;
    private final int prefetch;
    /** The old model's cached logits, and the ensembles' made the same way. */
    private final OldModelTeacher oldTeacher;
    private final Map<String, Object> provenance;
    private final Map<String, String> runFiles;
    private final IntFunction<BufferedImage> testImages;
    /** The reference ensembles the settings distil toward. */
    private final ReferenceEnsembles ensembles;
    /** The reports of this run directory. */
    private final RunReports reports;
    /** What the last run or read-back found: its kept epochs, interpolation curves and exported models. */
    private RunRecord record = RunRecord.empty();

    PcTraining(PcTrainingBuilder b) {
        runDir = Objects.requireNonNull(b.runDir, "run directory must be set");
        data = Objects.requireNonNull(b.data, "data must be set");
        newModel = Objects.requireNonNull(b.newModel, "new model must be set");
        stagesModel = newModel;
        newModelFromOld = b.newModelFromOld;
        oldTrainFraction = b.oldTrainFraction;
        oldModel = b.oldModel;
        oldLogits = b.oldLogits;
        oldArchitecture = b.oldArchitecture;
        oldTraining = b.oldTraining == null ? null : b.oldTraining.checked();
        int olds = (oldModel != null ? 1 : 0) + (oldLogits != null ? 1 : 0) + (oldArchitecture != null ? 1 : 0);
        if (olds != 1) {
            throw new IllegalArgumentException("set exactly one old model: setOldModel, setOldLogits or"
                    + " setOldModelToTrain (got " + olds + ")");
        }
        loss = b.loss;
        Map<String, PcSetting> settings = new LinkedHashMap<>(b.sweepSettings);
        b.sweep.forEach((label, l) -> settings.put(label, new PcSetting(l, b.reference, b.second)));
        sweep = settings.isEmpty() ? Map.of(PC, new PcSetting(loss, b.reference, b.second))
                : Collections.unmodifiableMap(settings);
        // Each record's own checks; a job file's validator has reported the same ones under their keys.
        selection = b.selection.checked();
        training = b.training.checked();
        seeds = List.copyOf(b.seeds);
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seeds: at least one");
        }
        oldSeed = b.oldSeed != null ? b.oldSeed : seeds.get(0);
        baseline = b.baseline;
        for (Map.Entry<String, PcSetting> setting : sweep.entrySet()) {
            if (!setting.getKey().matches("[A-Za-z0-9._-]+") || setting.getKey().equals(BASELINE)
                    || setting.getKey().equals(OLD) || setting.getKey().equals(ReferenceEnsembles.ENSEMBLE)
                    || setting.getKey().equals(INTERPOLATED)
                    || setting.getKey().startsWith(ReferenceEnsembles.REFERENCE)) {
                throw new IllegalArgumentException("sweep setting name '" + setting.getKey() + "': expected letters,"
                        + " digits, '.', '_' or '-', other than baseline, old, ensemble, interpolated and"
                        + " reference... (it names a folder)");
            }
            if (!settings.isEmpty() && !(setting.getValue().loss().getLambda() > 0)) {
                throw new IllegalArgumentException("sweep setting " + setting.getKey() + ": lambda must be > 0"
                        + " (lambda 0 is the baseline, which the job trains anyway)");
            }
        }
        device = b.device != null ? b.device : Devices.resolve("auto");
        name = b.name;
        export = b.export;
        ensembles = new ReferenceEnsembles(sweep.values(), new ReferenceEnsembles.Stages() {
            @Override
            public StageRunner.Stage member(int seed, int j, StageRunner.Stage baselineStage) {
                return PcTraining.this.member(seed, j, baselineStage);
            }

            @Override
            public Path directory(int seed, String model) {
                return stageDirectory(seed, model);
            }

            @Override
            public LogitCache trainCache(Path file, OldModel ensemble, Prefetcher prefetcher) throws IOException {
                return oldTeacher.trainCache(file, ensemble, prefetcher, "Reference ensemble's");
            }
        }, device, export);
        exportArchitectureJar = b.exportArchitectureJar;
        profileEpoch = b.profileEpoch;
        // The training batch by default: a training step at that size fits already, inference needs less (no
        // activations kept for backward), and it allocates the sizes the step has just freed. At 1024 a CNN's
        // activations pass glibc's largest mmap threshold (32 MiB), so every call faulted in fresh pages (the
        // wider CNN of issue 21: 6.5 min of system time) and the resident set grew from about 1.1 to 1.3 GB.
        evalBatchSize = b.evalBatchSize > 0 ? b.evalBatchSize : training.batchSize();
        workers = b.workers;
        cachePrecision = b.cachePrecision;
        sharedTeacherCache = b.sharedTeacherCache;
        interpolation = b.interpolation.checked();
        oldParameters = b.oldParameters;
        if (newModelFromOld && oldArchitecture == null) {
            throw new IllegalArgumentException("a new model from the old model's weights needs an old model trained in"
                    + " the job (setOldModelToTrain); for a given one, start the new model from its parameter file");
        }
        List<UpdateRules.Rule> broken = new UpdateRules(baseline, selection.rule() == SelectionRule.LOWEST_NFR,
                !ensembles.isEmpty(), interpolation.enabled(), oldArchitecture != null || oldParameters != null)
                .broken();
        if (!broken.isEmpty()) {
            throw new IllegalArgumentException(broken.get(0).message());
        }
        prefetch = b.prefetch;
        oldTeacher = new OldModelTeacher(runDir, data, device, evalBatchSize, cachePrecision, sharedTeacherCache,
                workers, prefetch);
        // In the caller's order: Map.copyOf's order changes from one JVM to the next, and so did run-info.json's.
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(b.provenance));
        runFiles = Map.copyOf(b.runFiles);
        testImages = b.testImages;
        reports = new RunReports(runDir, data.classNames(), selection, oldModel == null ? List.of() : oldModel.notes(),
                testImages, name);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static PcTrainingBuilder builder() {
        return new PcTrainingBuilder();
    }

    /**
     * Runs the update, or resumes it in an existing run directory.
     *
     * @return the run directory, the results and the table
     * @throws IOException when files cannot be read or written
     * @throws dev.pct.train.io.RunDirectoryLockedException when another job holds the run directory (before
     *     anything is written)
     * @throws IllegalArgumentException when a model does not fit the data (before anything is written)
     */
    public PcResult run() throws IOException {
        int classes = data.classes();
        preflight(classes);
        // Held for the whole run, so that a second job on the same directory is refused before it writes.
        try (RunLock held = RunLock.acquire(runDir)) {
            return runLocked(classes);
        }
    }

    private PcResult runLocked(int classes) throws IOException {
        boolean resumed = Files.exists(runDir.resolve("run-info.json"));
        for (Map.Entry<String, String> file : runFiles.entrySet()) {
            if (!Files.exists(runDir.resolve(file.getKey()))) {
                AtomicFiles.writeString(runDir.resolve(file.getKey()), file.getValue());
            }
        }
        try (RunLog log = RunLog.attach(runDir.resolve("train.log"))) {
            return runLogged(classes, resumed);
        }
    }

    private PcResult runLogged(int classes, boolean resumed) throws IOException {
        writeProvenance(resumed);
        LOG.info("{} {} on {} (seeds {}), directory {}", resumed ? "Resuming" : "Starting", name, device, seeds,
                runDir.toAbsolutePath());
        CpuKernelCheck.warnIfExposed(device);
        LOG.info("Data: {} training, {} validation, {} test samples, {} classes, input {}", data.train().size(),
                data.validation().size(), data.test().size(), classes, data.train().sampleShape());
        long start = System.nanoTime();
        try (Prefetcher prefetcher = new Prefetcher(workers, prefetch)) {
            return run(prefetcher, classes, start);
        }
    }

    private PcResult run(Prefetcher prefetcher, int classes, long start) throws IOException {
        double loadingRate = LoadingProbe.imagesPerSecond(data.train(), training.batchSize(), prefetcher,
                LOADING_PROBE_SECONDS, seeds.get(0));
        LOG.info(String.format("Input pipeline alone: %.0f images/s with %d worker%s (%d ahead)", loadingRate,
                workers, workers == 1 ? "" : "s", prefetch));
        ReportWriter.LoadingRate loading = new ReportWriter.LoadingRate(loadingRate, workers);
        reports.writeLoadingRate(loading);
        StageRunner runner = new StageRunner(device, data, evalBatchSize, prefetcher, exportArchitectureJar,
                selection.evaluateTest(), profileEpoch);
        List<EpochRecord> oldHistory = new ArrayList<>();
        record = RunRecord.empty();
        float[] oldTestConfidences;
        Model oldStage = null;
        List<AutoCloseable> open = new ArrayList<>();
        try {
            OldModel old = oldModel;
            if (oldArchitecture != null) {
                oldStage = Model.newInstance(OLD, device);
                StageRunner.Stage stage = new StageRunner.Stage(OLD, oldSeed, oldArchitecture, oldTraining,
                        StageLoss.of(Loss.softmaxCrossEntropyLoss()), TeacherSource.NONE, false,
                        Map.of("role", "old model trained in the job"), EpochSelection.Spec.LAST,
                        oldTrainFraction < 1 ? SubsetBatches.fraction(data.train(), oldTrainFraction, oldSeed) : null);
                oldHistory.addAll(runner.run(stage, runDir.resolve(OLD), StageRunner.OldPredictions.NONE).history());
                if (newModelFromOld) {
                    stagesModel = oldArchitecture.startingFrom(
                            runDir.resolve(OLD).resolve(StageRunner.FINAL_PARAMETERS));
                }
                StageNetwork network = runner.load(stage, runDir.resolve(OLD), oldStage);
                old = OldModel.of(network.block(), "old model " + oldArchitecture.description());
            }
            LOG.info("Old model: {}", old == null ? "logits given" : old.description());
            OldModelTeacher.Outputs outputs = oldTeacher.outputs(old, oldLogits, needsTrainLogits(), classes,
                    prefetcher, open);
            oldTestConfidences = outputs.testConfidences();
            record = new RunRecord(classes, data.test().labels(), outputs.test());
            record.addHistory(oldHistory);
            StageRunner.OldPredictions oldPredictions = new StageRunner.OldPredictions(outputs.validation(),
                    outputs.test());
            forEachStage(new TrainedStages(runner, oldPredictions, old, outputs, prefetcher, open));
        } finally {
            if (oldStage != null) {
                oldStage.close();
            }
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("cannot close {}: {}", c, e.toString());
                }
            }
        }
        RunResults runResults = record.toResults(oldTestConfidences);
        writeReport(runResults, loading);
        LOG.info("Done in {} s. Old model test error {}. Report: {}", Math.round((System.nanoTime() - start) / 1e9),
                String.format("%.4f", StageRunner.errorRate(record.oldTestPredictions(), data.test().labels())),
                runDir.resolve(ReportWriter.REPORT_HTML));
        return new PcResult(runDir, runResults, RunReports.table(runResults.models()), record.models());
    }

    /** The plain retrain's rule: its lowest validation error, whatever the PC models' rule. */
    private EpochSelection.Spec baselineSelection() {
        return new EpochSelection.Spec(selection.rule() == SelectionRule.LAST ? SelectionRule.LAST
                : SelectionRule.LOWEST_ERROR, Double.NaN, selection.patience());
    }

    /** The PC settings' and ensembles' descriptions, by model name. */
    private Map<String, String> settingsDescriptions() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (distills()) {
            settings.putAll(sweepDescriptions());
            settings.putAll(ensembles.descriptions());
        }
        return settings;
    }

    /** The PC settings' descriptions, by setting name, in the sweep's order. */
    private Map<String, String> sweepDescriptions() {
        Map<String, String> settings = new LinkedHashMap<>();
        sweep.forEach((label, l) -> settings.put(label, l.describe()));
        return settings;
    }

    /** Writes report.md, report.html and the files beside them. */
    private void writeReport(RunResults runResults, ReportWriter.LoadingRate loading) throws IOException {
        reports.write(runResults, record, isSweep() ? settingsDescriptions() : Map.of(), loading);
    }

    /**
     * Writes the report of a finished run again ({@code report.md}, {@code report.html}, {@code metrics.json}, the
     * CSVs and charts) from what its stages left in the run directory, training and evaluating nothing: the
     * stages this training describes (the same builder settings as the run's) must all be done. A run written
     * before {@code report.html} existed gets one; the input pipeline's rate comes from the run's {@code
     * input-pipeline.json} (left out for a run that has none).
     *
     * @return the run directory, the results and the table, as {@link #run()} returned them
     * @throws IOException naming the stage directory when a stage has not finished, or when a file cannot be read
     * @throws dev.pct.train.io.RunDirectoryLockedException when a job holds the run directory
     */
    public PcResult report() throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new IOException(runDir + ": no such run directory");
        }
        try (RunLock held = RunLock.acquire(runDir)) {
            RunResults runResults = finishedResults();
            writeReport(runResults, reports.earlierLoadingRate());
            LOG.info("Report of {} written again: {}", runDir, runDir.resolve(ReportWriter.REPORT_HTML));
            return new PcResult(runDir, runResults, RunReports.table(runResults.models()), record.models());
        }
    }

    /**
     * A finished run's report inputs, read back from its run directory as {@link #report()} does, writing
     * nothing: one of the runs of a merged report ({@link #writeMergedReport}).
     *
     * @return the run's results, kept epochs and settings, named after the run directory
     * @throws IOException naming the stage directory when a stage has not finished, or when a file cannot be read
     */
    public MergedRuns.Run finished() throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new IOException(runDir + ": no such run directory");
        }
        try (RunLock held = RunLock.acquire(runDir)) {
            RunResults runResults = finishedResults();
            return new MergedRuns.Run(runDir.toAbsolutePath().normalize().getFileName().toString(), runResults,
                    List.copyOf(record.selected()), settingsDescriptions());
        }
    }

    /**
     * Writes one report of several finished runs of this update into this training's run directory: the runs of
     * a sweep split into jobs, side by side, each model once (see {@link MergedRuns}). This training gives the
     * data (class names, the galleries' images), the selection rule and the title; nothing is trained.
     *
     * @param runs what {@link #finished()} read from each run, two or more
     * @return this directory and the merged results and table
     * @throws IOException when the report cannot be written
     * @throws IllegalArgumentException when the runs' test sets or old models differ
     */
    public PcResult writeMergedReport(List<MergedRuns.Run> runs) throws IOException {
        return reports.writeMerged(runs);
    }

    private RunResults finishedResults() throws IOException {
        int classes = data.classes();
        int[] labels = data.test().labels();
        float[] oldTest;
        if (oldLogits != null) {
            oldTest = oldLogits.test();
        } else {
            oldTest = oldTeacher.finishedTestLogits(oldModel, classes);
        }
        record = new RunRecord(classes, labels, FlipAccumulator.argmax(oldTest, classes));
        StageRunner runner = new StageRunner(device, data, evalBatchSize, null, exportArchitectureJar,
                selection.evaluateTest(), 0);
        if (oldArchitecture != null) {
            record.addHistory(runner.finished(OLD, oldSeed, runDir.resolve(OLD), false).history());
        }
        forEachStage(new FinishedStages(runner));
        return record.toResults(Confidence.ofLogits(oldTest, classes));
    }

    /**
     * Walks every seed's stages in the one order in which {@link #run()} trains them and the report lists them: the
     * plain retrain (when it is compared, or nothing distils), the weight-interpolated model, the reference
     * ensembles, then each PC setting, whose kept epoch is bounded by the plain retrain's validation error. Each
     * stage's outcome goes into {@link #record}.
     */
    private void forEachStage(SeedStages stages) throws IOException {
        boolean distills = distills();
        for (int seed : seeds) {
            StageRunner.Outcome baselineOutcome = null;
            double baselineBest = Double.NaN;
            if (!distills || baseline) {
                baselineOutcome = stages.baseline(seed);
                record.addStage(BASELINE, seed, Double.NaN, baselineOutcome);
                baselineBest = baselineOutcome.selectedRecord().validationError();
            }
            if (interpolation.enabled()) {
                InterpolationRunner.Result interpolated = stages.interpolated(seed, baselineBest);
                record.addModel(INTERPOLATED, seed, interpolated.testLogits());
                record.addInterpolation(INTERPOLATED, seed, interpolated.curve(),
                        export ? stageDirectory(seed, INTERPOLATED).resolve(StageRunner.MODEL_DIR) : null);
            }
            if (!distills) {
                continue;
            }
            Map<Integer, LogitRows> references = stages.ensembles(seed, baselineOutcome);
            EpochSelection.Spec spec = new EpochSelection.Spec(selection.rule(), selection.errorBound(baselineBest),
                    selection.patience());
            for (Map.Entry<String, PcSetting> setting : sweep.entrySet()) {
                record.addStage(setting.getKey(), seed, spec.errorBound(),
                        stages.setting(seed, setting.getKey(), setting.getValue(), references, spec));
            }
        }
    }

    /** What {@link #forEachStage} does with each stage of a seed: train it, or read it back from its directory. */
    private interface SeedStages {
        /** The plain retrain's outcome. */
        StageRunner.Outcome baseline(int seed) throws IOException;

        /** Weight interpolation's curve and kept model, given the plain retrain's best validation error (or NaN). */
        InterpolationRunner.Result interpolated(int seed, double baselineBest) throws IOException;

        /** The reference ensembles' training logits, by member count (empty when only read back). */
        Map<Integer, LogitRows> ensembles(int seed, StageRunner.Outcome baselineOutcome) throws IOException;

        /** A PC setting's outcome, its epoch kept by {@code spec}. */
        StageRunner.Outcome setting(int seed, String name, PcSetting setting, Map<Integer, LogitRows> references,
                EpochSelection.Spec spec) throws IOException;
    }

    /** The stages trained (or resumed) by {@link #run()}. */
    private final class TrainedStages implements SeedStages {
        private final StageRunner runner;
        private final StageRunner.OldPredictions oldPredictions;
        private final OldModel old;
        private final OldModelTeacher.Outputs outputs;
        private final Prefetcher prefetcher;
        private final List<AutoCloseable> open;
        /** Which training samples the old model gets right, once an ensemble's weights need it. */
        private float[] oldTrainCorrect;

        TrainedStages(StageRunner runner, StageRunner.OldPredictions oldPredictions, OldModel old,
                OldModelTeacher.Outputs outputs, Prefetcher prefetcher, List<AutoCloseable> open) {
            this.runner = runner;
            this.oldPredictions = oldPredictions;
            this.old = old;
            this.outputs = outputs;
            this.prefetcher = prefetcher;
            this.open = open;
        }

        @Override
        public StageRunner.Outcome baseline(int seed) throws IOException {
            return train(baselineStage(seed), seed);
        }

        @Override
        public InterpolationRunner.Result interpolated(int seed, double baselineBest) throws IOException {
            return interpolate(runner, seed, baselineStage(seed), baselineBest, oldPredictions);
        }

        @Override
        public Map<Integer, LogitRows> ensembles(int seed, StageRunner.Outcome baselineOutcome) throws IOException {
            Map<Integer, LogitRows> references = PcTraining.this.ensembles.train(runner, seed, baselineStage(seed),
                    baselineOutcome, oldPredictions, record, prefetcher, open);
            if (!references.isEmpty() && oldTrainCorrect == null) {
                oldTrainCorrect = OldModelTeacher.correct(outputs.train(), data.train().labels());
            }
            return references;
        }

        @Override
        public StageRunner.Outcome setting(int seed, String name, PcSetting setting,
                Map<Integer, LogitRows> references, EpochSelection.Spec spec) throws IOException {
            FocalDistillationLoss settingLoss = setting.loss();
            Loss stageLoss = setting.stageLoss();
            TeacherSource teacher = teacher(settingLoss, setting.reference(), old, outputs.train(), references,
                    oldTrainCorrect);
            if (stageLoss instanceof TwoSourceDistillationLoss two) {
                teacher = new TwoSourceTeacher(teacher, teacher(two.getSecond(), setting.second().toward(), old,
                        outputs.train(), references, oldTrainCorrect));
            }
            return train(stage(name, seed, StageLoss.of(stageLoss), teacher, spec, setting.describe(),
                    trainingFor(settingLoss)), seed);
        }

        private StageRunner.Outcome train(StageRunner.Stage stage, int seed) throws IOException {
            return runner.run(stage, stageDirectory(seed, stage.name()), oldPredictions);
        }
    }

    /** The stages of a finished run, read back by {@link #report()} and {@link #finished()}. */
    private final class FinishedStages implements SeedStages {
        private final StageRunner runner;

        FinishedStages(StageRunner runner) {
            this.runner = runner;
        }

        @Override
        public StageRunner.Outcome baseline(int seed) throws IOException {
            return runner.finished(BASELINE, seed, stageDirectory(seed, BASELINE), export);
        }

        @Override
        public InterpolationRunner.Result interpolated(int seed, double baselineBest) throws IOException {
            return interpolator(runner).finished(INTERPOLATED, seed, stageDirectory(seed, INTERPOLATED));
        }

        @Override
        public Map<Integer, LogitRows> ensembles(int seed, StageRunner.Outcome baselineOutcome) throws IOException {
            PcTraining.this.ensembles.readBack(runner, seed, baselineOutcome, record);
            return Map.of();
        }

        @Override
        public StageRunner.Outcome setting(int seed, String name, PcSetting setting,
                Map<Integer, LogitRows> references, EpochSelection.Spec spec) throws IOException {
            return runner.finished(name, seed, stageDirectory(seed, name), export);
        }
    }

    /** A seed's plain retrain: cross-entropy, its epoch kept by {@link #baselineSelection()}. */
    private StageRunner.Stage baselineStage(int seed) {
        return plainRetrain(BASELINE, seed, baselineSelection(), "cross-entropy");
    }

    /** A plain retrain of the new model (cross-entropy, the job's training), with its provenance. */
    private StageRunner.Stage plainRetrain(String model, int trainSeed, EpochSelection.Spec spec, String description) {
        return stage(model, trainSeed, StageLoss.of(Loss.softmaxCrossEntropyLoss()), TeacherSource.NONE, spec,
                description, training);
    }

    /** A stage of a new model, with its provenance; {@code trainSeed} is the seed it trains with. */
    private StageRunner.Stage stage(String model, int trainSeed, StageLoss stageLoss, TeacherSource teacher,
            EpochSelection.Spec spec, String lossDescription, TrainingSettings stageTraining) {
        Provenance.Stage facts = new Provenance.Stage(provenance, runDir.toAbsolutePath().toString(), model,
                trainSeed, stagesModel.description(), lossDescription, spec.describe());
        return new StageRunner.Stage(model, trainSeed, stagesModel, stageTraining, stageLoss, teacher, export,
                facts.toMap(), spec);
    }

    private Path stageDirectory(int seed, String model) {
        return runDir.resolve("seed-" + seed).resolve(model);
    }

    /**
     * The teacher of one term: its loss's labels from the old model's logits, or from an ensemble's with the filter
     * reading the old model's decisions (unless the reference's own decide), in the cheapest form.
     */
    private TeacherSource teacher(FocalDistillationLoss termLoss, Reference toward, OldModel old, LogitRows oldRows,
            Map<Integer, LogitRows> ensembles, float[] oldTrainCorrect) {
        LogitRows rows = toward.isEnsemble() ? ensembles.get(toward.members()) : oldRows;
        float[] mask = toward.isEnsemble() && toward.weightsFromOld() ? oldTrainCorrect : null;
        return TeacherSource.forStage(termLoss, data.train().augments(), old,
                data.old() == null ? null : data.old().train(), rows, data.train().labels(), mask, device);
    }

    /**
     * Weight interpolation of a seed (BCWI): trains the soup's extra members if any, then scores the grid between the
     * old model's parameters and the plain retrain's (or the members' mean) and keeps an a by the selection rule on
     * validation; {@link #forEachStage} reports that model as {@value #INTERPOLATED}.
     */
    private InterpolationRunner.Result interpolate(StageRunner runner, int seed, StageRunner.Stage baselineStage,
            double baselineBest, StageRunner.OldPredictions oldPredictions) throws IOException {
        List<Path> news = new ArrayList<>(List.of(stageDirectory(seed, BASELINE)));
        for (int j = 1; j < interpolation.soupMembers(); j++) {
            StageRunner.Stage member = member(seed, j, baselineStage);
            runner.run(member, stageDirectory(seed, member.name()), oldPredictions);
            news.add(stageDirectory(seed, member.name()));
        }
        Path oldFile = oldParameters != null ? oldParameters
                : runDir.resolve(OLD).resolve(StageRunner.FINAL_PARAMETERS);
        EpochSelection.Spec spec = InterpolationRunner.selection(selection, baselineBest);
        StageRunner.Stage stage = stage(INTERPOLATED, seed, StageLoss.of(Loss.softmaxCrossEntropyLoss()),
                TeacherSource.NONE, spec, interpolation.describe(), training);
        return interpolator(runner).run(stage, stageDirectory(seed, INTERPOLATED), oldFile, news, spec,
                oldPredictions);
    }

    private InterpolationRunner interpolator(StageRunner runner) {
        return new InterpolationRunner(runner, data, device, interpolation, training.batchSize());
    }

    /** Member {@code j + 1} of a seed's ensemble or soup: a plain retrain with its own seed. */
    private StageRunner.Stage member(int seed, int j, StageRunner.Stage baselineStage) {
        return plainRetrain(ReferenceEnsembles.memberName(j), Reference.memberSeed(seed, j), baselineStage.selection(),
                "cross-entropy (member " + (j + 1) + " of the reference ensemble)");
    }

    /** How a PC setting trains ({@link PcSetting#trainingFor}), said in the log when it differs from the job's. */
    private TrainingSettings trainingFor(FocalDistillationLoss settingLoss) {
        TrainingSettings chosen = PcSetting.trainingFor(training, settingLoss);
        if (chosen != training) {
            LOG.info("{} distillation: clipping gradients at global norm {} (training.grad_clip_norm is 0; set it"
                    + " to choose another norm)", settingLoss.getDistance(), PcSetting.LOGIT_MATCHING_CLIP_NORM);
        }
        return chosen;
    }

    /** Whether the PC models are a sweep's settings (or one named setting), not the one model {@code pc}. */
    private boolean isSweep() {
        return sweep.size() > 1 || !sweep.containsKey(PC);
    }

    /** Whether the run reads the old model's training-split logits: a setting distils and the inputs are fixed. */
    private boolean needsTrainLogits() {
        return distills() && !data.train().augments();
    }

    /** Whether any PC setting distils (lambda &gt; 0); otherwise the job trains the baseline alone. */
    private boolean distills() {
        return sweep.values().stream().anyMatch(l -> l.loss().getLambda() > 0);
    }

    /**
     * The old model's logits of rows [from, to) of one of the splits {@link #writeTeacherCaches} writes, computed
     * exactly as it computes them (the same batches when {@code from} starts one of its chunks): what a Spark
     * task computes for a chunk of a teacher cache on its executor. Safe to call from one thread at a time.
     *
     * @param split {@code train}, {@code validation} or {@code test}
     * @param from the first row
     * @param to one past the last row
     * @return (to - from) × classes values, row-major
     * @throws IllegalArgumentException when the split is not one the teacher cache holds, or the range is outside
     */
    public float[] oldModelLogits(String split, int from, int to) {
        if (oldModel == null) {
            throw new IllegalStateException("the old model's logits need the old model itself (a model file or a"
                    + " checkpoint)");
        }
        return oldTeacher.logits(oldModel, split, from, to);
    }

    /**
     * Computes the old model's logits of the training (unless augmented), validation (unless empty) and test
     * splits into a folder, once, for jobs to share ({@code pc-train teacher}; see {@link
     * PcTrainingBuilder#optSharedTeacherCache}): the files and format of a run directory's {@code old/}, each
     * written under an exclusive lock and resumable after a kill, an existing complete one verified and kept.
     *
     * @param folder where the caches go (created when missing)
     * @return the files, in that order
     * @throws IOException when a file cannot be written, or is locked by another process
     * @throws IllegalStateException when the old model is not a model (trained in the job, or logits given)
     */
    public List<Path> writeTeacherCaches(Path folder) throws IOException {
        return writeTeacherCaches(folder, null);
    }

    /**
     * {@link #writeTeacherCaches(Path)} with the rows of each split computed by {@code producers} (e.g. as Spark
     * tasks, each calling {@link #oldModelLogits} on its executor), the files written here: the same files, byte
     * for byte, when the producers compute what this process would.
     *
     * @param folder where the caches go (created when missing)
     * @param producers who computes each split's rows, or null for this process
     * @return the files, in that order
     * @throws IOException when a file cannot be written, is locked by another process, or a producer fails
     * @throws IllegalStateException when the old model is not a model (trained in the job, or logits given)
     */
    public List<Path> writeTeacherCaches(Path folder, TeacherCaches.Producers producers) throws IOException {
        if (oldModel == null) {
            throw new IllegalStateException("a teacher cache needs the old model itself (a model file or a"
                    + " checkpoint), not " + (oldLogits != null ? "its logits" : "one trained in the job"));
        }
        return oldTeacher.write(oldModel, folder, producers);
    }

    /** Every check that can fail on the models or the data, before the run directory is touched. */
    private void preflight(int classes) {
        if (!ensembles.isEmpty() && data.train().augments()) {
            throw new IllegalArgumentException("an ensemble reference needs training inputs that do not change"
                    + " between epochs (its logits are computed once and cached); turn augmentation off");
        }
        if (loss.getLambda() > 0 && loss.getDistance() == Distance.LDI && loss.getTopK() > classes) {
            throw new IllegalArgumentException("LDI top k (loss.top_k in a job file): " + loss.getTopK()
                    + " exceeds the " + classes + " classes of the data; expected at most " + classes
                    + " (0 = every class)");
        }
        if (oldLogits != null) {
            if (data.train().augments()) {
                throw new IllegalArgumentException("an old model known only by its logits cannot be used with"
                        + " augmentation: augmented inputs need the old model itself");
            }
            oldLogits.checkFits(data.train().size(), data.validation().size(), data.test().size(), classes,
                    distills());
        }
        // Headers only: a cache made for other data fails here, before the run directory exists.
        oldTeacher.checkShared(oldModel, needsTrainLogits(), classes);
        try (Model scratch = Model.newInstance("preflight", device)) {
            if (oldModel != null) {
                OldModelFiles.check(oldModel, data.oldTest().sampleShape(), classes, scratch.getNDManager(),
                        oldModel.description());
            }
            if (oldArchitecture != null) {
                oldArchitecture.create(scratch.getNDManager(), data.train().sampleShape(), classes);
            }
            newModel.create(scratch.getNDManager(), data.train().sampleShape(), classes);
        }
    }

    private void writeProvenance(boolean resumed) throws IOException {
        Map<String, String> settings = isSweep() ? sweepDescriptions() : null;
        String old = oldModel != null ? oldModel.description() : oldLogits != null ? "logits"
                : "trained in the job" + (oldSeed != seeds.get(0) ? " (seed " + oldSeed + ")" : "") + ": "
                        + oldArchitecture.description();
        Provenance.Run.of(provenance, name, seeds, device.toString(), resumed, old,
                oldModel != null ? oldModel.notes() : List.of(),
                sharedTeacherCache == null ? null : sharedTeacherCache.toAbsolutePath().normalize().toString(),
                newModel.description(), settings == null ? sweep.get(PC).describe() : null, settings,
                selection.describe(), Spelling.of(selection.evaluateTest()), evalBatchSize).write(runDir);
    }
}
