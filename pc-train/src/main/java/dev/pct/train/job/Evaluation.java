package dev.pct.train.job;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.api.Devices;
import dev.pct.train.config.JobConfig;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.SampleSource;
import dev.pct.train.io.Logits;
import dev.pct.train.loop.Inference;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.update.OldModel;
import dev.pct.train.update.OldModelFiles;
import dev.pct.train.update.ParameterFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Two saved models (or saved logits) scored on a job's test set against each other ({@code pc-train evaluate}):
 * both loaded once, then the flips of any range of test samples counted, so that the whole set is one range in
 * one process, or many ranges in Spark tasks whose accumulators merge into the same counts.
 */
public final class Evaluation implements AutoCloseable {

    private final JobData job;
    private final int batchSize;
    private final Scorer oldScorer;
    private final Scorer newScorer;

    private Evaluation(JobData job, int batchSize, Scorer oldScorer, Scorer newScorer) {
        this.job = job;
        this.batchSize = batchSize;
        this.oldScorer = oldScorer;
        this.newScorer = newScorer;
    }

    /**
     * Loads the job's test set and both models.
     *
     * @param config the job configuration (data, and the architectures of saved parameter files)
     * @param oldPath the old model: a parameter file, an exported model directory, or a logits CSV
     * @param newPath the new model, likewise
     * @param trustCode whether a model directory that holds code may be loaded ({@code --trust-model-code})
     * @return the open evaluation; close it to release the models
     * @throws IOException when a file cannot be read
     */
    public static Evaluation open(JobConfig config, Path oldPath, Path newPath, boolean trustCode)
            throws IOException {
        JobData job = JobData.load(config.data(), config.seeds().get(0), null);
        Device device = Devices.resolve(config.device());
        // The job's training batch, as the job evaluates: see PcTrainingBuilder#optEvaluationBatchSize.
        int batchSize = config.training().batchSize();
        Scorer oldScorer = scorer(oldPath, config.oldModel().architecture(), job, device, "--old", trustCode,
                batchSize);
        try {
            return new Evaluation(job, batchSize, oldScorer,
                    scorer(newPath, config.newModel().architecture(), job, device, "--new", trustCode, batchSize));
        } catch (IOException | RuntimeException e) {
            oldScorer.close();
            throw e;
        }
    }

    /**
     * The number of test samples a job's data gives, read without loading any model: for splitting the test set
     * into ranges before the models are loaded where they run.
     *
     * @param config the job configuration
     * @return N
     * @throws IOException when the data cannot be read
     */
    public static int testSize(JobConfig config) throws IOException {
        return JobData.load(config.data(), config.seeds().get(0), null).data().test().size();
    }

    /**
     * The number of test samples.
     *
     * @return N
     */
    public int size() {
        return job.data().test().size();
    }

    /**
     * The number of classes.
     *
     * @return C
     */
    public int classes() {
        return job.data().classes();
    }

    /**
     * The evaluation batch: a range that starts at a multiple of it runs the very batches the whole set does.
     *
     * @return samples per forward pass
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Counts the flips of test samples [from, to), each named by its index in the test set.
     *
     * @param from the first sample
     * @param to one past the last
     * @return the counts of that range, to report or merge
     */
    public FlipAccumulator flips(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("test samples [" + from + ", " + to + ") are not within the "
                    + size() + " of the test set");
        }
        long[] indices = new long[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        FlipAccumulator flips = new FlipAccumulator(classes());
        flips.add(indices, Arrays.copyOfRange(job.data().test().labels(), from, to),
                oldScorer.predictions(from, to), newScorer.predictions(from, to));
        return flips;
    }

    @Override
    public void close() {
        try {
            oldScorer.close();
        } finally {
            newScorer.close();
        }
    }

    /** One side's predicted classes of a range of test samples. */
    private interface Scorer extends AutoCloseable {
        int[] predictions(int from, int to);

        @Override
        void close();
    }

    private static Scorer scorer(Path file, ModelSpec architecture, JobData job, Device device,
            String option, boolean trustCode, int batchSize) throws IOException {
        int classes = job.data().classes();
        SampleSource test = job.testSet();
        if (file.toString().endsWith(".csv")) {
            float[] logits = Logits.rows(Logits.readCsv(file, classes), classes, test.sourceIndices(), file);
            int[] all = FlipAccumulator.argmax(logits, classes);
            return new Scorer() {
                @Override
                public int[] predictions(int from, int to) {
                    return Arrays.copyOfRange(all, from, to);
                }

                @Override
                public void close() {}
            };
        }
        Model model = Model.newInstance("scored", device);
        try {
            if (Files.isDirectory(file)) {
                // An exported model normalizes its input itself: it takes intensities in [0, 1].
                ModelInput newInput = job.data().newInput();
                BatchSource raw = new ImageBatches(BatchMaker.builder().setData(test)
                        .optInput(newInput.withNormalizer(Normalizer.identity(newInput.channels()))).build());
                OldModel exported = OldModelFiles.load(OldModelFiles.Kind.DJL, file, null, device, trustCode,
                        option + " " + file);
                return scorer(model, exported::logits, raw, job, batchSize, exported::close);
            }
            if (architecture == null) {
                throw new IllegalArgumentException(option + " " + file + ": a parameter file needs the architecture in"
                        + " the job file (old_model.architecture or new_model.architecture)");
            }
            Block block = ModelFactory.build(architecture, PcJob.channels(job), PcJob.height(job),
                    PcJob.width(job), classes);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(job.data().test().sampleShape()));
            ParameterFiles.load(block, file, model.getNDManager(), Set.of());
            return scorer(model, Inference.of(block), job.data().test(), job, batchSize, () -> { });
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A model's arg-maxes over ranges of a prepared test set, run in the evaluation batch from each range's start. */
    private static Scorer scorer(Model model, Inference.BatchLogits logits, BatchSource data, JobData job,
            int batchSize, Runnable release) {
        return new Scorer() {
            @Override
            public int[] predictions(int from, int to) {
                int classes = job.data().classes();
                float[] out = new float[Math.multiplyExact(to - from, classes)];
                try (Prefetcher inline = new Prefetcher(0, 1)) {
                    Inference.forEachBatch(logits, data, from, to, batchSize, model.getNDManager(), inline,
                            (first, values) -> System.arraycopy(values, 0, out, (first - from) * classes,
                                    values.length));
                }
                return FlipAccumulator.argmax(out, classes);
            }

            @Override
            public void close() {
                try {
                    release.run();
                } finally {
                    model.close();
                }
            }
        };
    }
}
