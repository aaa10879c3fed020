package dev.pct.train.job;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.api.Devices;
import dev.pct.train.api.PcResult;
import dev.pct.train.api.PcSetting;
import dev.pct.train.api.PcTraining;
import dev.pct.train.api.PcTrainingBuilder;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.LossConfig;
import dev.pct.train.config.NewModelConfig;
import dev.pct.train.config.OldModelConfig;
import dev.pct.train.config.NewModelSource;
import dev.pct.train.config.OldModelSource;
import dev.pct.train.config.SweepGrid;
import dev.pct.train.io.Logits;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.reference.Reference;
import dev.pct.train.reference.ReferenceSource;
import dev.pct.train.reference.WeightsFrom;
import dev.pct.train.report.MergedRuns;
import dev.pct.train.teacher.TeacherCaches;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.OldLogits;
import dev.pct.train.update.OldModel;
import dev.pct.train.update.OldModelFiles;
import dev.pct.train.update.ParameterFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PC training job: a job file translated into a {@link PcTraining} (data, old model, new model, loss,
 * training settings), run in one run directory that also keeps the effective configuration, so that {@code
 * train --resume} can continue it.
 */
public final class PcJob {

    private static final Logger LOG = LoggerFactory.getLogger(PcJob.class);

    private PcJob() {}

    /**
     * Runs (or resumes) a job in a run directory. A model file or data that does not fit fails before the run
     * directory is created.
     *
     * @param config the effective configuration
     * @param runDir the run directory; an existing one is resumed
     * @return the results and the console table
     * @throws IOException when files cannot be read or written
     */
    public static PcResult run(JobConfig config, Path runDir) throws IOException {
        return run(config, runDir, 0);
    }

    /**
     * Runs (or resumes) a job in a run directory, profiling one epoch of every stage (see {@link
     * PcTrainingBuilder#optProfileEpoch}).
     *
     * @param config the effective configuration
     * @param runDir the run directory; an existing one is resumed
     * @param profileEpoch the epoch to profile, 0 for none
     * @return the results and the console table
     * @throws IOException when files cannot be read or written
     */
    public static PcResult run(JobConfig config, Path runDir, int profileEpoch) throws IOException {
        return execute(config, runDir, false, profileEpoch, training -> {
            // After the job is built (its models and data checked), before it trains: the shared plain retrain.
            if (config.baselineFrom() != null) {
                SharedBaseline.adopt(config, runDir);
            }
            return training.run();
        });
    }

    /**
     * Writes the report of a finished run again ({@code report.md}, {@code report.html} and the files beside them)
     * from its run directory and saved configuration, training nothing (see {@link PcTraining#report()}): old runs
     * get the current report.
     *
     * @param runDir the run directory a job wrote
     * @return the results and the console table
     * @throws IOException naming the file when the directory is not a finished run or a file cannot be read
     */
    public static PcResult report(Path runDir) throws IOException {
        Path saved = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(saved)) {
            throw new IOException(runDir + ": not a run directory (no config.yaml); report takes the directory a"
                    + " train command wrote");
        }
        return execute(dev.pct.train.config.JobConfigLoader.load(saved, java.util.List.of()), runDir, true, 0);
    }

    /**
     * Computes the old model's logits of the job's splits once into a folder, the teacher cache that jobs naming
     * it in {@code old_model.cache} share ({@code pc-train teacher}): one file per split, in the run directory's
     * format, each written under an exclusive lock, resumable after a kill.
     *
     * @param config a job's effective configuration; its old model must be a file or a checkpoint
     * @param out the folder (created when missing)
     * @return the files written, train (unless the training data is augmented), validation (when not empty),
     *     test
     * @throws IOException when files cannot be read or written, or a cache there is locked by another process
     * @throws IllegalArgumentException when the old model is not a file or checkpoint
     */
    public static List<Path> teacher(JobConfig config, Path out) throws IOException {
        return teacher(config, out, null);
    }

    /**
     * {@link #teacher(JobConfig, Path)} with each split's rows computed by {@code producers} (Spark tasks, say),
     * the files written and checked here.
     *
     * @param config a job's effective configuration; its old model must be a file or a checkpoint
     * @param out the folder (created when missing)
     * @param producers who computes each split's rows, or null for this process
     * @return the files written
     * @throws IOException when files cannot be read or written, a cache there is locked, or a producer fails
     * @throws IllegalArgumentException when the old model is not a file or checkpoint
     */
    public static List<Path> teacher(JobConfig config, Path out, TeacherCaches.Producers producers)
            throws IOException {
        OldModelSource source = config.oldModel().source();
        if (source == OldModelSource.TRAIN || source == OldModelSource.LOGITS) {
            throw new IllegalArgumentException("old_model.source: a teacher cache is made from an old model file or"
                    + " checkpoint (torchscript, onnx, djl, checkpoint), got " + source.name().toLowerCase(Locale.ROOT));
        }
        List<Path> written = new ArrayList<>();
        execute(config, out, false, 0, training -> {
            written.addAll(training.writeTeacherCaches(out, producers));
            return null;
        });
        return written;
    }

    /**
     * Writes one report of several finished runs of an update into a new folder: the settings of a sweep run as
     * separate jobs (one per GPU, say) side by side, each model once (see {@link MergedRuns}). The first run's
     * saved configuration gives the data, the selection rule and the title.
     *
     * @param runDirs two or more run directories that train commands wrote
     * @param out the folder for the merged report (created when missing)
     * @return the merged results and table, with {@code out} as the run directory
     * @throws IOException naming the directory when one is not a finished run, or a file cannot be read
     * @throws IllegalArgumentException when the runs' test sets or old models differ
     */
    public static PcResult merge(List<Path> runDirs, Path out) throws IOException {
        if (runDirs.size() < 2) {
            throw new IllegalArgumentException("a merged report needs two or more run directories, got "
                    + runDirs.size());
        }
        List<MergedRuns.Run> runs = new ArrayList<>();
        JobConfig first = null;
        for (Path dir : runDirs) {
            JobConfig config = savedConfig(dir);
            first = first == null ? config : first;
            runs.add(execute(config, dir, true, 0, PcTraining::finished));
        }
        return execute(first, out, true, 0, training -> training.writeMergedReport(runs));
    }

    private static JobConfig savedConfig(Path runDir) {
        Path saved = runDir.resolve("config.yaml");
        if (!Files.isRegularFile(saved)) {
            throw new IllegalArgumentException(runDir + ": not a run directory (no config.yaml); report takes the"
                    + " directories train commands wrote");
        }
        return dev.pct.train.config.JobConfigLoader.load(saved, List.of());
    }

    /** What a job does with its built {@link PcTraining}. */
    private interface Action<R> {
        R apply(PcTraining training) throws IOException;
    }

    private static PcResult execute(JobConfig config, Path runDir, boolean reportOnly, int profileEpoch)
            throws IOException {
        return execute(config, runDir, reportOnly, profileEpoch,
                training -> reportOnly ? training.report() : training.run());
    }

    private static <R> R execute(JobConfig config, Path runDir, boolean reportOnly, int profileEpoch,
            Action<R> action) throws IOException {
        try (Session session = open(config, runDir, profileEpoch)) {
            return action.apply(session.training());
        }
    }

    /**
     * A job's {@link PcTraining}, built, with the old model it holds open until {@link #close}: what a job runs,
     * and what a Spark executor keeps for the tasks it runs on the job's old model ({@code dev.pct.train.spark}).
     */
    public static final class Session implements AutoCloseable {
        private final PcTraining training;
        private final Model holder;
        private final OldModel oldModel;

        private Session(PcTraining training, Model holder, OldModel oldModel) {
            this.training = training;
            this.holder = holder;
            this.oldModel = oldModel;
        }

        /**
         * The job's training, built.
         *
         * @return the training
         */
        public PcTraining training() {
            return training;
        }

        /** Closes the old model and the manager its parameters live in. */
        @Override
        public void close() {
            try {
                if (oldModel != null) {
                    oldModel.close();
                }
            } finally {
                holder.close();
            }
        }
    }

    /**
     * The new model's normalization as the job measures it on its training split when the job file leaves out
     * {@code data.mean} and {@code data.std}: so that a process that loads the job again (a Spark executor) can be
     * given the very values instead of measuring them again.
     *
     * @param config the effective configuration
     * @return {mean, std}, one value per channel, or null when the job gives them or does not normalize
     */
    public static float[][] measuredNormalization(JobConfig config) {
        if (!config.data().normalize() || !config.data().mean().isEmpty()) {
            return null;
        }
        dev.pct.train.data.Normalizer n = JobData.load(config.data(), config.seeds().get(0), null).data().newInput()
                .normalizer();
        return new float[][] {n.mean(), n.std()};
    }

    /**
     * Builds a job's training with its old model loaded, without running anything or touching the run
     * directory: for the tasks that compute a job's teacher cache or evaluation on Spark executors.
     *
     * @param config the effective configuration
     * @param runDir the run directory the training would use
     * @return the open session; close it to release the old model
     * @throws IOException when the data or a model file cannot be read
     */
    public static Session open(JobConfig config, Path runDir) throws IOException {
        return open(config, runDir, 0);
    }

    private static Session open(JobConfig config, Path runDir, int profileEpoch) throws IOException {
        Device device = Devices.resolve(config.device());
        OldModelConfig old = config.oldModel();
        logInputs(config);
        JobData job = JobData.load(config.data(), config.seeds().get(0), old.source().isFile() ? old.preprocessing()
                : null);
        int classes = job.data().classes();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("job", config.name());
        provenance.put("data", config.data().source() + (config.data().path() == null ? ""
                : " " + config.data().path()));
        PcTrainingBuilder builder = PcTraining.builder()
                .setRunDirectory(runDir)
                .setData(job.data())
                .setNewModel(newModel(config.newModel(), old))
                .optLoss(config.loss().toLoss())
                .optTraining(config.training())
                .optSelection(config.selection())
                .optSeeds(config.seeds())
                .optBaseline(config.compareBaseline())
                .optDevice(device)
                .optName(config.name())
                .optDataLoading(config.data().workers(), config.data().prefetch())
                .optTeacherCachePrecision(old.cachePrecision())
                .optSharedTeacherCache(old.cache())
                .optInterpolation(config.interpolation())
                .optOldParameters(old.source() == OldModelSource.CHECKPOINT ? old.checkpoint() : null)
                .optExportArchitectureJar(config.newModel().exportArchitectureJar())
                .optProvenance(provenance)
                .optRunFiles(Map.of("config.yaml", config.toYaml()))
                .optTestImages(i -> job.testSet().read(i).toBufferedImage())
                .optProfileEpoch(profileEpoch);
        builder.optReference(reference(config.loss()));
        if (second(config.loss()) != null) {
            builder.optSecondSource(second(config.loss()));
        }
        Map<String, PcSetting> sweep = new LinkedHashMap<>();
        SweepGrid.settings(config).forEach((name, setting) -> sweep.put(name,
                new PcSetting(setting.toLoss(), reference(setting), second(setting))));
        builder.optSweepSettings(sweep);
        Model holder = Model.newInstance("old-holder", device);
        OldModel oldModel = null;
        try {
            switch (old.source()) {
                case TRAIN -> {
                    builder.setOldModelToTrain(NewModel.architecture(old.architecture()),
                            config.oldModelTraining());
                    if (old.seed() != null) {
                        builder.optOldModelSeed(old.seed());
                    }
                    builder.optOldModelTrainFraction(old.trainFraction())
                            .optNewModelFromOld(config.newModel().source() == NewModelSource.OLD);
                }
                case LOGITS -> builder.setOldLogits(oldLogits(old, job, classes));
                case CHECKPOINT -> {
                    Block block = ModelFactory.build(old.architecture(), channels(job), height(job),
                            width(job), classes);
                    block.initialize(holder.getNDManager(), DataType.FLOAT32,
                            new Shape(1).addAll(job.data().train().sampleShape()));
                    ParameterFiles.load(block, old.checkpoint(), holder.getNDManager(), Set.of());
                    oldModel = OldModel.of(block, "checkpoint " + old.checkpoint().getFileName());
                }
                case TORCHSCRIPT, ONNX, DJL -> oldModel = OldModelFiles.load(kind(old.source()), old.file(),
                        old.source() == OldModelSource.DJL && old.architecture() != null
                                && !Files.exists(old.file().resolve("serving.properties"))
                                ? ModelFactory.build(old.architecture(), channels(job), height(job),
                                        width(job), classes)
                                : null, device, old.trustCode(), "old_model.file " + old.file());
                default -> throw new IllegalArgumentException("old_model.source: unknown " + old.source());
            }
            if (oldModel != null) {
                builder.setOldModel(oldModel);
            }
            return new Session(builder.build(), holder, oldModel);
        } catch (IOException | RuntimeException | Error e) {
            try {
                new Session(null, holder, oldModel).close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Logs every file the job reads, as resolved (relative paths are relative to the job file's folder). */
    private static void logInputs(JobConfig config) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("data.path", config.data().path());
        inputs.put("old_model.file", config.oldModel().file());
        inputs.put("old_model.checkpoint", config.oldModel().checkpoint());
        inputs.put("old_model.logits.train", config.oldModel().logits().train());
        inputs.put("old_model.logits.test", config.oldModel().logits().test());
        inputs.put("old_model.cache", config.oldModel().cache());
        inputs.put("new_model.file", config.newModel().file());
        inputs.forEach((key, path) -> {
            if (path != null) {
                LOG.info("Input {}: {}", key, path.toAbsolutePath().normalize());
            }
        });
        if (config.oldModel().trustCode()) {
            LOG.warn("old_model.trust_code is true: code in the old model's directory may run in this job");
        }
    }

    private static NewModel newModel(NewModelConfig n, OldModelConfig old) {
        return switch (n.source()) {
            // An old model trained in the job: its weights exist once it has trained (PcTraining starts from them).
            case OLD -> old.source() == OldModelSource.CHECKPOINT
                    ? NewModel.architecture(old.architecture()).startingFrom(old.checkpoint())
                    : NewModel.architecture(old.architecture());
            case ARCHITECTURE -> NewModel.architecture(n.architecture());
            case PARAMS -> NewModel.pretrained(n.architecture(), n.file(), n.head(), n.freezeBackbone(),
                    (float) n.backboneLearningRate());
            case TORCHSCRIPT -> NewModel.torchScript(n.file(), n.head(), n.freezeBackbone(),
                    (float) n.backboneLearningRate());
        };
    }

    private static OldModelFiles.Kind kind(OldModelSource source) {
        return switch (source) {
            case TORCHSCRIPT -> OldModelFiles.Kind.TORCHSCRIPT;
            case ONNX -> OldModelFiles.Kind.ONNX;
            case DJL -> OldModelFiles.Kind.DJL;
            default -> throw new IllegalArgumentException(source + " is not a model file");
        };
    }

    /** The logits files hold rows in data-set order: each split takes the rows of its original samples. */
    private static OldLogits oldLogits(OldModelConfig old, JobData job, int classes) throws IOException {
        Path trainFile = old.logits().train();
        Path testFile = old.logits().test();
        float[] trainRows = Logits.readCsv(trainFile, classes);
        return new OldLogits(
                Logits.rows(trainRows, classes, job.trainSet().sourceIndices(), trainFile),
                Logits.rows(trainRows, classes, job.validationSet().sourceIndices(), trainFile),
                Logits.rows(Logits.readCsv(testFile, classes), classes, job.testSet().sourceIndices(), testFile));
    }

    static int channels(JobData job) {
        return (int) job.data().train().sampleShape().get(0);
    }

    static int height(JobData job) {
        return (int) job.data().train().sampleShape().get(1);
    }

    static int width(JobData job) {
        return (int) job.data().train().sampleShape().get(2);
    }

    /**
     * Scores two saved models or saved logits on the configured test set against each other.
     *
     * @param config the job configuration (data, and the architectures of saved parameter files)
     * @param oldPath the old model: a parameter file ({@code final.params} of a run, {@code
     *     old_model.architecture}), an exported model directory, or a logits CSV
     * @param newPath the new model, likewise ({@code new_model.architecture} for a parameter file)
     * @return the flip report of new against old
     * @throws IOException when a file cannot be read
     */
    public static FlipReport evaluate(JobConfig config, Path oldPath, Path newPath) throws IOException {
        return evaluate(config, oldPath, newPath, false);
    }

    /**
     * Scores two saved models or saved logits on the configured test set against each other, optionally
     * trusting code in their model directories (see {@link dev.pct.train.update.ModelCode}).
     *
     * @param config the job configuration (data, and the architectures of saved parameter files)
     * @param oldPath the old model: a parameter file, an exported model directory, or a logits CSV
     * @param newPath the new model, likewise
     * @param trustCode whether a model directory that holds code may be loaded ({@code --trust-model-code})
     * @return the flip report of new against old
     * @throws IOException when a file cannot be read
     */
    public static FlipReport evaluate(JobConfig config, Path oldPath, Path newPath, boolean trustCode)
            throws IOException {
        try (Evaluation evaluation = Evaluation.open(config, oldPath, newPath, trustCode)) {
            return evaluation.flips(0, evaluation.size()).report();
        }
    }

    /** The second source of two-source distillation, or null for one source. */
    private static PcSetting.Second second(LossConfig loss) {
        return loss.twoSources() ? PcSetting.Second.toward(loss.toSecondLoss(), loss.ensembleMembers()) : null;
    }

    /** What a job's loss section distils toward. */
    private static Reference reference(LossConfig loss) {
        return loss.reference() == ReferenceSource.ENSEMBLE
                ? Reference.ensemble(loss.ensembleMembers(), loss.weightsFrom() == WeightsFrom.OLD) : Reference.OLD;
    }
}
