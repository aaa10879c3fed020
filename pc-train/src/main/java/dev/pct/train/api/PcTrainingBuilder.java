package dev.pct.train.api;

import ai.djl.Device;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.train.data.PcData;
import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.reference.Reference;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.OldLogits;
import dev.pct.train.update.OldModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/** Builds a {@link PcTraining}: {@code set} methods are required, {@code opt} ones have defaults. */
public final class PcTrainingBuilder {
    Path runDir;
    PcData data;
    NewModel newModel;
    boolean newModelFromOld;
    double oldTrainFraction = 1;
    OldModel oldModel;
    OldLogits oldLogits;
    NewModel oldArchitecture;
    TrainingSettings oldTraining;
    Integer oldSeed;
    FocalDistillationLoss loss = FocalDistillationLoss.builder().build();
    final Map<String, FocalDistillationLoss> sweep = new LinkedHashMap<>();
    final Map<String, PcSetting> sweepSettings = new LinkedHashMap<>();
    Reference reference = Reference.OLD;
    PcSetting.Second second;
    SelectionSettings selection = SelectionSettings.defaults();
    TrainingSettings training = TrainingSettings.defaults();
    List<Integer> seeds = List.of(1);
    boolean baseline = true;
    Device device;
    String name = "pct";
    boolean export = true;
    boolean exportArchitectureJar;
    int profileEpoch;
    /** 0: the training batch size. */
    int evalBatchSize;
    int workers = 2;
    LogitCache.Precision cachePrecision = LogitCache.Precision.FLOAT32;
    Path sharedTeacherCache;
    InterpolationSettings interpolation = InterpolationSettings.defaults();
    Path oldParameters;
    int prefetch = 4;
    Map<String, Object> provenance = Map.of();
    Map<String, String> runFiles = Map.of();
    IntFunction<BufferedImage> testImages;

    PcTrainingBuilder() {}

    /**
     * Sets where the report takes the test samples' images from, for the gallery of flipped samples in {@code
     * report.html}.
     *
     * @param testImages the image of a test sample by its index in the test set; null (default) for a gallery
     *     without images
     * @return this builder
     */
    public PcTrainingBuilder optTestImages(IntFunction<BufferedImage> testImages) {
        this.testImages = testImages;
        return this;
    }

    /**
     * Sets the run directory (required); an existing one is resumed.
     *
     * @param runDir the directory
     * @return this builder
     */
    public PcTrainingBuilder setRunDirectory(Path runDir) {
        this.runDir = runDir;
        return this;
    }

    /**
     * Sets the data (required).
     *
     * @param data the splits, e.g. {@link PcData#of} of DJL datasets
     * @return this builder
     */
    public PcTrainingBuilder setData(PcData data) {
        this.data = data;
        return this;
    }

    /**
     * Sets how the new model starts (required).
     *
     * @param newModel the new model
     * @return this builder
     */
    public PcTrainingBuilder setNewModel(NewModel newModel) {
        this.newModel = newModel;
        return this;
    }

    /**
     * Sets the old model as a model to run (one of the three old-model setters is required).
     *
     * @param oldModel the old model, owned by the caller
     * @return this builder
     */
    public PcTrainingBuilder setOldModel(OldModel oldModel) {
        this.oldModel = oldModel;
        return this;
    }

    /**
     * Sets the old model as its saved logits.
     *
     * @param oldLogits the logits of each split
     * @return this builder
     */
    public PcTrainingBuilder setOldLogits(OldLogits oldLogits) {
        this.oldLogits = oldLogits;
        return this;
    }

    /**
     * Sets an old model to train in the run, with plain cross-entropy and the first seed (its stage is
     * resumable like the others).
     *
     * @param architecture what it starts from
     * @param oldTraining how it trains
     * @return this builder
     */
    public PcTrainingBuilder setOldModelToTrain(NewModel architecture, TrainingSettings oldTraining) {
        this.oldArchitecture = architecture;
        this.oldTraining = Objects.requireNonNull(oldTraining, "oldTraining");
        return this;
    }

    /**
     * Trains the old model of {@link #setOldModelToTrain} on a share of the training split, the first of a
     * shuffle by its seed; default 1 (all of it). With {@link #optNewModelFromOld} the update is a data-growth
     * scenario: the old model on part of the data, the new one fine-tuned from it on all of it.
     *
     * @param fraction the share, in (0, 1]
     * @return this builder
     */
    public PcTrainingBuilder optOldModelTrainFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("old model's train fraction: expected a number in (0, 1], got "
                    + fraction);
        }
        this.oldTrainFraction = fraction;
        return this;
    }

    /**
     * Starts every new model (plain retrain, PC models, ensemble members) from the weights of the old model
     * trained in the job ({@link #setOldModelToTrain}), in its architecture, instead of {@link #setNewModel}'s
     * (which must be that architecture): the update of a data-growth scenario; default false.
     *
     * @param fromOld whether to start from the old model's weights
     * @return this builder
     */
    public PcTrainingBuilder optNewModelFromOld(boolean fromOld) {
        this.newModelFromOld = fromOld;
        return this;
    }

    /**
     * Sets the seed of the old model trained in the run (see {@link #setOldModelToTrain}); default the first
     * of the seeds. With the new model's architecture, another seed makes the update a retrain of the same
     * network with another initialization and data order (the paper's ResNet-18 to ResNet-18).
     *
     * @param seed the seed
     * @return this builder
     */
    public PcTrainingBuilder optOldModelSeed(int seed) {
        this.oldSeed = seed;
        return this;
    }

    /**
     * Sets the PC loss; default: the paper's focal distillation (KL, tau 100, alpha 1, beta 5, lambda 1).
     * A loss with lambda 0 trains the baseline alone.
     *
     * @param loss the loss
     * @return this builder
     */
    public PcTrainingBuilder optLoss(FocalDistillationLoss loss) {
        this.loss = Objects.requireNonNull(loss, "loss");
        return this;
    }

    /**
     * Trains several PC models instead of one, each with its own loss, against the same old model and
     * baseline (a trade-off sweep); each trains in {@code seed-N/<name>/} and is a column of the report,
     * which adds the sweep's table and chooses a setting by the selection rule. Replaces {@link #optLoss}.
     *
     * @param settings loss per setting name (letters, digits, '.', '_', '-'), in report order; lambda &gt; 0
     * @return this builder
     */
    public PcTrainingBuilder optSweep(Map<String, FocalDistillationLoss> settings) {
        sweep.clear();
        sweepSettings.clear();
        sweep.putAll(settings);
        return this;
    }

    /**
     * As {@link #optSweep}, with each setting's own reference (the old model or an ensemble of plain retrains,
     * which is trained once per seed for all the settings that use it).
     *
     * @param settings loss and reference per setting name, in report order; lambda &gt; 0
     * @return this builder
     */
    public PcTrainingBuilder optSweepSettings(Map<String, PcSetting> settings) {
        sweep.clear();
        sweepSettings.clear();
        sweepSettings.putAll(settings);
        return this;
    }

    /**
     * Sets what the PC loss of {@link #optLoss} (and of every setting of {@link #optSweep}) distils toward;
     * default the old model. An ensemble reference needs the baseline (its first member) and inputs that do
     * not change between epochs (no augmentation), since its logits are computed once and cached.
     *
     * @param reference the reference
     * @return this builder
     */
    public PcTrainingBuilder optReference(Reference reference) {
        this.reference = Objects.requireNonNull(reference, "reference");
        return this;
    }

    /**
     * Adds a second distillation term to the PC loss of {@link #optLoss} (and of every setting of {@link
     * #optSweep}): two-source distillation ({@link dev.pct.core.loss.TwoSourceDistillationLoss}) toward an
     * ensemble of plain retrains, weighted by the old model's decisions; default none. Like an ensemble
     * reference it needs the baseline and inputs that do not change between epochs.
     *
     * @param second the second term and its ensemble (1 member: the plain retrain alone)
     * @return this builder
     */
    public PcTrainingBuilder optSecondSource(PcSetting.Second second) {
        this.second = Objects.requireNonNull(second, "second");
        return this;
    }

    /**
     * Sets which epoch of each new model is kept, and early stopping; default: the last epoch.
     *
     * @param selection the rule, error margin and patience
     * @return this builder
     */
    public PcTrainingBuilder optSelection(SelectionSettings selection) {
        this.selection = Objects.requireNonNull(selection, "selection");
        return this;
    }

    /**
     * Sets how the new models train; default {@link TrainingSettings#defaults()}.
     *
     * @param training the settings
     * @return this builder
     */
    public PcTrainingBuilder optTraining(TrainingSettings training) {
        this.training = Objects.requireNonNull(training, "training");
        return this;
    }

    /**
     * Sets the seeds; every seed trains its own baseline and PC model. Default [1].
     *
     * @param seeds distinct seeds
     * @return this builder
     */
    public PcTrainingBuilder optSeeds(List<Integer> seeds) {
        this.seeds = seeds;
        return this;
    }

    /**
     * Sets whether a plain retrain (the baseline) is trained next to the PC model; default true.
     *
     * @param baseline whether to train it
     * @return this builder
     */
    public PcTrainingBuilder optBaseline(boolean baseline) {
        this.baseline = baseline;
        return this;
    }

    /**
     * Sets the device; default GPU 0 when the engine sees one, else the CPU.
     *
     * @param device the one device to train on
     * @return this builder
     */
    public PcTrainingBuilder optDevice(Device device) {
        this.device = device;
        return this;
    }

    /**
     * Sets the run's name for logs and provenance; default {@code pct}.
     *
     * @param name the name
     * @return this builder
     */
    public PcTrainingBuilder optName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Sets whether every new model is exported as a DJL model directory ({@code <stage>/model}); default true.
     *
     * @param export whether to export
     * @return this builder
     */
    public PcTrainingBuilder optExport(boolean export) {
        this.export = export;
        return this;
    }

    /**
     * Sets whether an exported model directory also holds {@code pct-architecture.jar}, the classes of {@code
     * dev.pct.train.model}, so that DJL (e.g. DJL Serving) loads it with nothing of pct on the class path;
     * default false. The jar is code in a model directory: whoever loads the directory with plain DJL runs
     * it, and pct itself refuses such a directory unless its code is trusted.
     *
     * @param architectureJar whether to write the jar
     * @return this builder
     */
    public PcTrainingBuilder optExportArchitectureJar(boolean architectureJar) {
        this.exportArchitectureJar = architectureJar;
        return this;
    }

    /**
     * Profiles one epoch of every stage that trains it: libtorch's profiler records its operators and the
     * training loop times its phases (data, forward, loss, backward, optimizer, host reads, evaluation), and
     * each stage's directory gets {@code profile-epoch-N.md}, where the time went, and {@code
     * profile-epoch-N.trace.json.gz}, the Chrome trace. The profiled epoch runs slower; its results are not
     * changed. PyTorch engine only.
     *
     * @param epoch the 1-based epoch, or 0 (default) for none
     * @return this builder
     */
    public PcTrainingBuilder optProfileEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("the profiled epoch must be >= 1 (0 for none), got " + epoch);
        }
        this.profileEpoch = epoch;
        return this;
    }

    /**
     * Sets the batch size of evaluation passes; default the training batch size, which allocates what the
     * training step has just freed (a larger batch's activations can pass the allocator's threshold above
     * which every call maps fresh pages; see README, "Where the job's time goes").
     *
     * @param evalBatchSize samples per forward pass, &gt;= 1
     * @return this builder
     */
    public PcTrainingBuilder optEvaluationBatchSize(int evalBatchSize) {
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("evaluation batch size must be >= 1, got " + evalBatchSize);
        }
        this.evalBatchSize = evalBatchSize;
        return this;
    }

    /**
     * Sets how the old model's logits of the training split are stored in the teacher cache: float32
     * (default, exact) or float16 (half the disk, values rounded to about 3 significant digits).
     *
     * @param precision the precision
     * @return this builder
     */
    public PcTrainingBuilder optTeacherCachePrecision(LogitCache.Precision precision) {
        this.cachePrecision = java.util.Objects.requireNonNull(precision, "precision");
        return this;
    }

    /**
     * Reads the old model's logits from a folder of teacher caches that {@code pc-train teacher} made (see
     * {@link PcTraining#writeTeacherCaches}), shared with other jobs, instead of computing them into the run
     * directory: each file's header must carry this job's old model, data and preprocessing, and every chunk
     * its checksum, or the job stops with the reason; nothing there is written.
     *
     * @param folder the folder, or null (default) for the run directory's own caches
     * @return this builder
     */
    public PcTrainingBuilder optSharedTeacherCache(Path folder) {
        this.sharedTeacherCache = folder;
        return this;
    }

    /**
     * Sets weight interpolation between the old model and the plain retrain (BCWI); default off. It needs the
     * baseline, the old model's parameters in the new model's architecture (an old model trained in the job,
     * or {@link #optOldParameters}), and a validation split to choose a on.
     *
     * @param interpolation the grid, the batch-norm batches and the soup's members
     * @return this builder
     */
    public PcTrainingBuilder optInterpolation(InterpolationSettings interpolation) {
        this.interpolation = Objects.requireNonNull(interpolation, "interpolation");
        return this;
    }

    /**
     * Sets the file of the old model's parameters ({@code Block.saveParameters}, e.g. a run's {@code
     * final.params}) for weight interpolation, when the old model is given rather than trained in the job.
     *
     * @param file the parameter file, in the new model's architecture
     * @return this builder
     */
    public PcTrainingBuilder optOldParameters(Path file) {
        this.oldParameters = file;
        return this;
    }

    /**
     * Sets how batches are prepared: by worker threads, ahead of the step (reading, decoding, augmenting,
     * normalizing, gathering the old model's cached outputs). The default is 2 workers, 4 batches ahead.
     *
     * @param workers worker threads, 0 to prepare each batch on the training thread
     * @param prefetch batches prepared ahead of the one in use, &gt;= 1
     * @return this builder
     */
    public PcTrainingBuilder optDataLoading(int workers, int prefetch) {
        if (workers < 0 || prefetch < 1) {
            throw new IllegalArgumentException("need workers >= 0 and prefetch >= 1, got " + workers + " and "
                    + prefetch);
        }
        this.workers = workers;
        this.prefetch = prefetch;
        return this;
    }

    /**
     * Adds facts to the run's provenance ({@code run-info.json} and every exported model's metadata).
     *
     * @param provenance e.g. the job file and its hash
     * @return this builder
     */
    public PcTrainingBuilder optProvenance(Map<String, Object> provenance) {
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        return this;
    }

    /**
     * Adds files written into the run directory when it is created (kept on resume), e.g. the job file.
     *
     * @param runFiles file name to content
     * @return this builder
     */
    public PcTrainingBuilder optRunFiles(Map<String, String> runFiles) {
        this.runFiles = Objects.requireNonNull(runFiles, "runFiles");
        return this;
    }

    /**
     * Checks the settings and builds the training.
     *
     * @return the training, ready to {@link PcTraining#run()}
     * @throws IllegalArgumentException if a required value is missing or not exactly one old model is set
     */
    public PcTraining build() {
        return new PcTraining(this);
    }
}
