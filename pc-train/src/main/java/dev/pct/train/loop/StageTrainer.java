package dev.pct.train.loop;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import dev.pct.core.loss.LossParts;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.HostBatch;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.optim.PcOptimizer;
import dev.pct.train.teacher.TeacherSource;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.StageNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one model (a stage of the job: the old model, the plain retrain, or the PC model) for its epochs,
 * with checkpoints after epochs and exact resumption from the newest one.
 *
 * <p>Batches are made from host memory in one tensor creation each and live in a per-step sub-manager,
 * so nothing a step makes outlives it. Each epoch's shuffling and engine random seed derive from (seed,
 * epoch), each batch's augmentation from (seed, epoch, step), which is what makes a resumed run equal to an
 * uninterrupted one.
 */
public final class StageTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(StageTrainer.class);

    /** Called after each epoch with the trained-so-far block, e.g. to evaluate it; must not train it. */
    @FunctionalInterface
    public interface EpochListener {
        /**
         * Receives an epoch's row.
         *
         * @param row the epoch's training measures
         * @param block the model after the epoch
         */
        void onEpoch(EpochRow row, Block block);
    }

    private final String name;
    private final long seed;
    private final TrainingSettings settings;
    private final StageLoss loss;
    private final TeacherSource teacher;
    private final Device device;
    private final Checkpoint checkpoint;
    private final Prefetcher prefetcher;
    private int profileEpoch;
    private Path profileDirectory;

    /**
     * Makes a stage trainer.
     *
     * @param name the stage's name, used in logs (e.g. "pc seed 1")
     * @param seed the seed of this stage
     * @param settings how to train
     * @param loss the loss: cross-entropy or focal distillation ({@link StageLoss#of})
     * @param teacher what gives the loss its labels
     * @param device the device to train on
     * @param checkpoint the stage's checkpoint store, or {@code null} for none
     */
    public StageTrainer(String name, long seed, TrainingSettings settings, StageLoss loss, TeacherSource teacher,
            Device device, Checkpoint checkpoint) {
        this(name, seed, settings, loss, teacher, device, checkpoint, null);
    }

    /**
     * Makes a stage trainer whose batches are prepared ahead by worker threads.
     *
     * @param name the stage's name, used in logs (e.g. "pc seed 1")
     * @param seed the seed of this stage
     * @param settings how to train
     * @param loss the loss: cross-entropy or focal distillation ({@link StageLoss#of})
     * @param teacher what gives the loss its labels
     * @param device the device to train on
     * @param checkpoint the stage's checkpoint store, or {@code null} for none
     * @param prefetcher the workers that prepare batches, or {@code null} to prepare each on the training
     *     thread when it is needed
     */
    public StageTrainer(String name, long seed, TrainingSettings settings, StageLoss loss, TeacherSource teacher,
            Device device, Checkpoint checkpoint, Prefetcher prefetcher) {
        this.prefetcher = prefetcher;
        this.name = name;
        this.seed = seed;
        this.settings = settings;
        this.loss = loss;
        this.teacher = teacher;
        this.device = device;
        this.checkpoint = checkpoint;
    }

    /**
     * Profiles one epoch: libtorch's profiler records every operator of that epoch and of the evaluation after it,
     * and the loop times its phases; {@code profile-epoch-N.md} (where the time went, see {@link EpochProfile}) and
     * {@code profile-epoch-N.trace.json.gz} (the Chrome trace) are written into {@code directory}. An epoch that is
     * not trained here (restored from a checkpoint, or beyond the stage's epochs) is not profiled.
     *
     * @param epoch the 1-based epoch; 0 profiles none
     * @param directory where the profile's files go
     * @return this trainer
     */
    public StageTrainer optProfile(int epoch, Path directory) {
        if (epoch < 0) {
            throw new IllegalArgumentException(name + ": the profiled epoch must be >= 1 (0 for none), got " + epoch);
        }
        this.profileEpoch = epoch;
        this.profileDirectory = directory;
        return this;
    }

    /** What a stage trained: its network and the rows of all its epochs, restored ones included. */
    public record Trained(StageNetwork network, List<EpochRow> rows) {}

    /**
     * Trains a new model, resuming from the newest checkpoint when one exists.
     *
     * @param model the stage's model; its block is set here, built by {@code newModel} with this stage's seed
     *     (or restored from the checkpoint)
     * @param newModel what to build
     * @param data the training set
     * @param listener the per-epoch callback
     * @return the trained network and the epoch rows
     * @throws IOException when a checkpoint cannot be written or read
     */
    public Trained train(Model model, NewModel newModel, BatchSource data, EpochListener listener) throws IOException {
        return train(model, newModel, data, listener, () -> false);
    }

/**
     * Trains a new model, resuming from the newest checkpoint when one exists.
     *
     * @param model the stage's model; its block is set here, built by {@code newModel} with this stage's seed
     *     (or restored from the checkpoint)
     * @param newModel what to build
     * @param data the training set
     * @param listener the per-epoch callback
     * @param stop asked before each epoch, after the listener has seen the epochs before it (also those
     *     read back from a checkpoint): true ends training early (e.g. early stopping)
     * @return the trained network and the epoch rows
     * @throws IOException when a checkpoint cannot be written or read
     */
    public Trained train(Model model, NewModel newModel, BatchSource data, EpochListener listener,
            BooleanSupplier stop) throws IOException {
        int steps = settings.stepsPerEpoch(data.size());
        if (steps == 0) {
            throw new IllegalArgumentException(name + ": the training set has " + data.size()
                    + " samples; at least 2 are needed for one step");
        }
        List<EpochRow> rows = new ArrayList<>();
        Optional<Checkpoint.Saved> saved = checkpoint == null ? Optional.empty() : checkpoint.latest();
        // Build (or restore) before the trainer exists: DJL's Trainer.initialize fills its parameter store
        // with the arrays it finds, so parameters loaded afterwards would never be trained.
        Engine.getInstance().setRandomSeed((int) seed);
        StageNetwork network;
        try {
            network = saved.isPresent()
                    ? newModel.restore(model.getNDManager(), data.sampleShape(), data.numClasses(),
                            saved.get().parameters())
                    : newModel.create(model.getNDManager(), data.sampleShape(), data.numClasses());
        } catch (MalformedModelException e) {
            throw new IOException(saved.map(s -> s.file().toString()).orElse(name) + ": " + e.getMessage(), e);
        }
        Block block = network.block();
        model.setBlock(block);
        Map<String, Float> multipliers = new HashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            float multiplier = network.learningRateMultiplier(p.getKey());
            if (multiplier != 1f) {
                multipliers.put(p.getValue().getId(), multiplier);
            }
        }
        PcOptimizer optimizer = PcOptimizer.builder()
                .setKind(settings.optimizer().type())
                .setSchedule(settings.scheduleFor(data.size()))
                .setStateManager(model.getNDManager())
                .optMomentum((float) settings.optimizer().momentum())
                .optL2WeightDecay((float) settings.weightDecay())
                .optAdam((float) settings.optimizer().beta1(), (float) settings.optimizer().beta2(),
                        (float) settings.optimizer().epsilon())
                .optLearningRateMultipliers(multipliers)
                .build();
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss.loss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {device});
        int startEpoch = 0;
        if (saved.isPresent()) {
            Checkpoint.restoreOptimizer(saved.get(), block, optimizer, model.getNDManager());
            startEpoch = saved.get().epoch();
            for (String line : saved.get().history().split("\n")) {
                if (!line.isBlank()) {
                    rows.add(EpochRow.parse(line));
                }
            }
            LOG.info("{}: resumed from {} after epoch {}", name, saved.get().file(), startEpoch);
        }
        // Loaded parameters (a checkpoint, a pretrained file) are new arrays that do not require gradients yet.
        for (Pair<String, Parameter> p : block.getParameters()) {
            p.getValue().getArray().setRequiresGradient(p.getValue().requiresGradient());
        }
        try (Trainer trainer = model.newTrainer(config);
                Prefetcher own = prefetcher == null ? new Prefetcher(0, 1) : null;
                Progress progress = Progress.start(name, startEpoch + 1, settings.epochs(), steps)) {
            Prefetcher workers = prefetcher == null ? own : prefetcher;
            for (int epoch = startEpoch + 1; epoch <= settings.epochs(); epoch++) {
                if (stop.getAsBoolean()) {
                    LOG.info("{}: stopped early after epoch {}", name, epoch - 1);
                    break;
                }
                boolean profiled = epoch == profileEpoch && profileDirectory != null;
                if (profiled && !LibtorchProfiler.available()) {
                    LOG.warn("{}: epoch {} not profiled: the profiler is the PyTorch engine's, this is {}", name,
                            epoch, Engine.getInstance().getEngineName());
                    profiled = false;
                }
                Path trace = profiled ? profileDirectory.resolve("profile-epoch-" + epoch + ".trace.json") : null;
                PhaseClock clock = PhaseClock.OFF;
                EpochRow row;
                NDManager markers = null;
                if (profiled) {
                    Files.createDirectories(profileDirectory);
                    LOG.info("{}: profiling epoch {} (libtorch's profiler; the epoch runs slower)", name, epoch);
                    // Its own manager: the epoch's count of live arrays under the model stays what it is unprofiled.
                    markers = NDManager.newBaseManager(device);
                    NDArray marker = markers.zeros(new Shape(1));
                    LibtorchProfiler.start();
                    clock = PhaseClock.startNow(marker);
                }
                try {
                    row = runEpoch(trainer, optimizer, data, epoch, steps, workers, progress, clock);
                    rows.add(row);
                    clock.mark(StepPhase.OTHER);
                    // Before the checkpoint: a crash in between then repeats this epoch rather than losing its
                    // evaluation.
                    listener.onEpoch(row, model.getBlock());
                    clock.mark(StepPhase.EVALUATION);
                } finally {
                    if (profiled) {
                        LibtorchProfiler.stop(trace);
                        markers.close();
                    }
                }
                if (profiled) {
                    double before = rows.size() > 1 ? rows.get(rows.size() - 2).samplesPerSecond() : Double.NaN;
                    try {
                        writeProfile(model, trace, epoch, steps, data, clock.intervals(), row, before);
                    } catch (IOException | RuntimeException e) {
                        // A diagnostic: the run goes on without it.
                        LOG.warn("{}: the profile of epoch {} was not written: {}", name, epoch, e.getMessage());
                    }
                }
                boolean last = epoch == settings.epochs();
                if (checkpoint != null && (last
                        || settings.checkpointEveryEpochs() > 0 && epoch % settings.checkpointEveryEpochs() == 0)) {
                    StringBuilder history = new StringBuilder();
                    rows.forEach(r -> history.append(r.toCsv()).append('\n'));
                    checkpoint.save(epoch, model.getBlock(), optimizer, trainer.getManager(), history.toString());
                }
            }
        }
        return new Trained(network, rows);
    }

    private void writeProfile(Model model, Path trace, int epoch, int steps, BatchSource data,
            PhaseClock.Intervals intervals, EpochRow row, double unprofiledSamplesPerSecond) throws IOException {
        List<ProfilerTrace.Ops> threads = ProfilerTrace.topLevelAtenOps(trace, PhaseClock.MARKER);
        double matmul = EpochProfile.matmulGflops(model.getNDManager());
        ForwardFlops flops = ForwardFlops.of(model.getBlock(), new Shape(1).addAll(data.sampleShape()));
        EpochProfile profile = EpochProfile.of(name, epoch, (int) Math.round(row.samplesPerSecond() * row.seconds()),
                steps, intervals, threads, flops, matmul, unprofiledSamplesPerSecond);
        Path packed = trace.resolveSibling(trace.getFileName() + ".gz");
        try (InputStream in = Files.newInputStream(trace);
                OutputStream out = new GZIPOutputStream(Files.newOutputStream(packed))) {
            in.transferTo(out);
        } catch (IOException e) {
            throw AtomicFiles.naming(packed, e);
        }
        Files.delete(trace);
        Path summary = trace.resolveSibling("profile-epoch-" + epoch + ".md");
        String markdown = profile.toMarkdown(packed.getFileName().toString());
        AtomicFiles.writeString(summary, markdown);
        LOG.info("{}: epoch {} profiled, {} (trace {}):\n{}", name, epoch, summary, packed.getFileName(), markdown);
    }

    /** What a worker makes ready for one step. */
    private record StepBatch(int[] indices, HostBatch images, TeacherSource.Prepared teacher) {}

    private EpochRow runEpoch(Trainer trainer, PcOptimizer optimizer, BatchSource data, int epoch, int steps,
            Prefetcher workers, Progress progress, PhaseClock clock) {
        Engine.getInstance().setRandomSeed((int) (seed * 1_000_003L + epoch));
        int[] order = BatchMaker.shuffledIndices(data.size(), new Random(seed * 31_337L + epoch));
        int[] allLabels = data.labels();
        int batchSize = settings.batchSize();

        double lossSum = 0;
        double crossEntropySum = 0;
        double distillationSum = 0;
        long wrong = 0;
        long seen = 0;
        double intervalLoss = 0;
        int intervalSteps = 0;
        long start = System.nanoTime();
        long waited;
        try (NDManager epochManager = trainer.getManager().newSubManager(device);
                Prefetcher.Batches<StepBatch> batches = workers.start(steps, step -> {
                    int from = step * batchSize;
                    int[] indices = java.util.Arrays.copyOfRange(order, from, Math.min(from + batchSize, data.size()));
                    // One seed per batch, so that the old model's view of the batch is augmented alike, whichever
                    // worker makes it.
                    long augmentSeed = (seed * 7_919L + epoch) * 104_729L + step;
                    return new StepBatch(indices, data.prepare(indices, data.augments() ? new Random(augmentSeed)
                            : null), teacher.prepare(indices, augmentSeed));
                })) {
            // Sums stay on the device and are read at log points only: no host sync per step.
            NDArray deviceLoss = epochManager.zeros(new Shape(), DataType.FLOAT32);
            NDArray deviceCrossEntropy = epochManager.zeros(new Shape(), DataType.FLOAT32);
            NDArray deviceDistillation = epochManager.zeros(new Shape(), DataType.FLOAT32);
            NDArray deviceWrong = epochManager.zeros(new Shape(), DataType.INT64);
            NDArray zero = epochManager.zeros(new Shape(), DataType.FLOAT32);
            NDArray clipNorm = settings.gradClipNorm() > 0
                    ? epochManager.full(new Shape(), (float) settings.gradClipNorm()) : null;
            // The parameters do not change within an epoch: listed once, not per step.
            List<Parameter> parameters = trainableParameters(trainer);
            clock.mark(StepPhase.OTHER);
            for (int step = 0; step < steps; step++) {
                StepBatch next = batches.next();
                int[] indices = next.indices();
                try (NDManager batch = trainer.getManager().newSubManager(device)) {
                    NDArray images = next.images().create(batch);
                    long[] y = new long[indices.length];
                    for (int i = 0; i < indices.length; i++) {
                        y[i] = allLabels[indices[i]];
                    }
                    NDArray labels = batch.create(y);
                    NDList lossLabels = teacher.labels(batch, images, labels, next.teacher().create(batch));
                    clock.mark(StepPhase.DATA);
                    NDList predictions;
                    LossParts parts;
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        predictions = trainer.forward(new NDList(images));
                        clock.mark(StepPhase.FORWARD);
                        parts = loss.evaluate(lossLabels, predictions);
                        clock.mark(StepPhase.LOSS);
                        collector.backward(parts.loss());
                        clock.mark(StepPhase.BACKWARD);
                    }
                    clock.mark(StepPhase.OTHER);
                    // Outside the collector autograd records nothing, so the sums need no detached copies.
                    deviceLoss.addi(parts.loss());
                    deviceCrossEntropy.addi(parts.crossEntropy());
                    deviceDistillation.addi(parts.distillation());
                    // A count of booleans sums to int64, which the counter is: no conversion.
                    deviceWrong.addi(predictions.singletonOrThrow().argMax(1).neq(labels).sum());
                    clock.mark(StepPhase.METRICS);
                    List<NDArray> gradients = new ArrayList<>(parameters.size());
                    parameters.forEach(p -> gradients.add(p.getArray().getGradient()));
                    try {
                        if (clipNorm != null) {
                            clipGradients(gradients, clipNorm).close();
                        }
                        // The update DJL's trainer.step() does for one device, without its per-step copy of
                        // every gradient (and its gradient handles, which accumulated in the model's manager).
                        for (int k = 0; k < parameters.size(); k++) {
                            optimizer.update(parameters.get(k).getId(), parameters.get(k).getArray(), gradients.get(k));
                        }
                        optimizer.nextStep();
                        // PyTorch accumulates gradients across backward passes; DJL's native optimizers clear
                        // them, ours must too. Times an array zero, as DJL's muli(0f) did, without making one.
                        for (NDArray g : gradients) {
                            g.muli(zero);
                        }
                    } finally {
                        gradients.forEach(NDArray::close);
                    }
                    clock.mark(StepPhase.OPTIMIZER);
                }
                clock.mark(StepPhase.OTHER);
                seen += indices.length;
                intervalSteps++;
                boolean logPoint = step + 1 == steps
                        || settings.logEverySteps() > 0 && (step + 1) % settings.logEverySteps() == 0;
                if (logPoint) {
                    double total = deviceLoss.getFloat();
                    clock.mark(StepPhase.HOST_READS);
                    double mean = (total - intervalLoss) / intervalSteps;
                    if (!Double.isFinite(total)) {
                        throw new NonFiniteLossException(String.format(
                                "%s: the loss became %s at epoch %d, step %d (learning rate %.3g). The last good "
                                        + "checkpoint is kept. Try a lower training.learning_rate, "
                                        + "training.grad_clip_norm > 0, or a smaller loss.lambda.",
                                name, total, epoch, step + 1, optimizer.currentLearningRate()));
                    }
                    intervalLoss = total;
                    intervalSteps = 0;
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    progress.update(epoch, step + 1, mean, seen / elapsed);
                } else {
                    progress.update(epoch, step + 1, Double.NaN, 0);
                }
                clock.mark(StepPhase.OTHER);
            }
            lossSum = deviceLoss.getFloat();
            crossEntropySum = deviceCrossEntropy.getFloat();
            distillationSum = deviceDistillation.getFloat();
            wrong = deviceWrong.getLong();
            clock.mark(StepPhase.HOST_READS);
            waited = batches.waitedNanos();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int liveArrays = trainer.getModel().getNDManager().getManagedArrays().size();
        MemoryUse memory = MemoryUse.now();
        EpochRow row = new EpochRow(epoch, lossSum / steps, crossEntropySum / steps, distillationSum / steps,
                (double) wrong / seen, optimizer.currentLearningRate(), seen / seconds, seconds, liveArrays,
                memory.residentMegabytes(), waited / 1e9);
        LOG.info(String.format("%s epoch %d/%d: loss %.4f (ce %.4f, distillation %.4f), train error %.4f, "
                        + "%.0f samples/s, %.1f s (%.1f%% waiting for data), %d live arrays, %s",
                name, epoch, settings.epochs(), row.trainLoss(), row.crossEntropy(), row.distillation(),
                row.trainError(), row.samplesPerSecond(), seconds, 100 * waited / 1e9 / seconds, liveArrays,
                memory.describe()));
        return row;
    }

    /** The parameters the optimizer updates, in block order. */
    static List<Parameter> trainableParameters(Trainer trainer) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            if (p.getValue().requiresGradient() && p.getValue().getArray().hasGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    /**
     * Scales gradients so that their global L2 norm is at most {@code maxNorm}: by {@code min(1, maxNorm / (norm +
     * 1e-6))}, computed on the device, so a step reads nothing back to the host (on a GPU that read waits for the
     * whole step).
     *
     * @param grads the gradients, modified in place
     * @param maxNorm the largest allowed global norm, a scalar array on the gradients' device
     * @return the global norm before clipping, a scalar array the caller closes
     */
    static NDArray clipGradients(List<NDArray> grads, NDArray maxNorm) {
        NDManager manager = maxNorm.getManager();
        if (grads.isEmpty()) {
            return manager.zeros(new Shape());
        }
        NDArray norm;
        try (NDScope scope = new NDScope()) {
            // The norm of the per-gradient norms is the global norm: P + 1 ops instead of 3P.
            NDList norms = new NDList(grads.size());
            for (NDArray g : grads) {
                norms.add(g.norm());
            }
            norm = NDArrays.stack(norms).norm();
            NDArray scale = maxNorm.div(norm.add(manager.full(new Shape(), 1e-6f)))
                    .minimum(manager.ones(new Shape()));
            for (NDArray g : grads) {
                g.muli(scale);
            }
            scope.suppressNotUsedWarning();
            NDScope.unregister(norm);
            norm.attach(manager);
        }
        return norm;
    }
}
