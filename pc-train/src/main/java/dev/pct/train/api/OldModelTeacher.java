package dev.pct.train.api;

import static dev.pct.train.report.ModelRoles.OLD;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.PcData;
import dev.pct.train.loop.Inference;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.report.Confidence;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.teacher.LogitRows;
import dev.pct.train.teacher.TeacherCaches;
import dev.pct.train.update.OldLogits;
import dev.pct.train.update.OldModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old model as a teacher: its logits of the training, validation and test splits, cached once in the run
 * directory's {@code old/} (or read from a folder of shared caches that {@code pc-train teacher} wrote), and what
 * the run reads from them (the training rows the loss distils toward, the old model's validation and test
 * predictions). The caches of an ensemble reference are made by the same code. Not thread-safe.
 */
final class OldModelTeacher {

    private static final Logger LOG = LoggerFactory.getLogger(OldModelTeacher.class);
    /** How the old model's caches are named in messages. */
    private static final String OLD_MODELS = "Old model's";

    private final Path runDir;
    private final PcData data;
    private final Device device;
    private final int evalBatchSize;
    private final LogitCache.Precision cachePrecision;
    /** A folder of teacher caches that {@code pc-train teacher} made and jobs share, or null: the run's own. */
    private final Path sharedTeacherCache;
    private final int workers;
    private final int prefetch;

    /**
     * What the run reads from the old model: its logits on the training split (the teacher's input; null when not
     * needed), its predictions on the validation split (null when empty) and on the test set, and the test set's
     * confidences.
     */
    record Outputs(LogitRows train, int[] validation, int[] test, float[] testConfidences) {}

    /** One split of the old model's cached logits: its name, file, samples and precision. */
    private record Split(String name, String file, BatchSource samples, LogitCache.Precision precision) {}

    OldModelTeacher(Path runDir, PcData data, Device device, int evalBatchSize, LogitCache.Precision cachePrecision,
            Path sharedTeacherCache, int workers, int prefetch) {
        this.runDir = runDir;
        this.data = data;
        this.device = device;
        this.evalBatchSize = evalBatchSize;
        this.cachePrecision = cachePrecision;
        this.sharedTeacherCache = sharedTeacherCache;
        this.workers = workers;
        this.prefetch = prefetch;
    }

    /**
     * The old model's outputs, from its caches (computed on first use) or, for an old model known by its logits,
     * from those.
     *
     * @param old the old model, or null when only its logits are given
     * @param given its logits, when {@code old} is null
     * @param needTrain whether the training split's logits are needed (a distilling setting, fixed inputs)
     * @param classes the number of classes
     * @param prefetcher the run's input pipeline
     * @param open where the training split's cache goes, to be closed at the end of the run
     */
    Outputs outputs(OldModel old, OldLogits given, boolean needTrain, int classes, Prefetcher prefetcher,
            List<AutoCloseable> open) throws IOException {
        if (old == null) {
            return new Outputs(needTrain ? LogitRows.of(given.train(), classes) : null,
                    given.validation().length == 0 ? null : FlipAccumulator.argmax(given.validation(), classes),
                    FlipAccumulator.argmax(given.test(), classes), Confidence.ofLogits(given.test(), classes));
        }
        boolean shared = sharedTeacherCache != null;
        Path dir = folder();
        LogitRows train = null;
        if (needTrain) {
            LogitCache cache = cache(dir.resolve(TeacherCaches.TRAIN), "train", old, data.oldTrainPlain(), classes,
                    cachePrecision, prefetcher, OLD_MODELS, shared);
            open.add(cache);
            train = TeacherCaches.rows(cache);
        }
        int[] validation = null;
        if (data.validation().size() > 0) {
            try (LogitCache cache = cache(dir.resolve(TeacherCaches.VALIDATION), "validation", old,
                    data.oldValidation(), classes, LogitCache.Precision.FLOAT32, prefetcher, OLD_MODELS, shared)) {
                validation = TeacherCaches.predictions(TeacherCaches.rows(cache));
            }
        }
        int[] test;
        float[] testConfidences;
        try (LogitCache cache = cache(dir.resolve(TeacherCaches.TEST), "test", old, data.oldTest(), classes,
                LogitCache.Precision.FLOAT32, prefetcher, OLD_MODELS, shared)) {
            test = TeacherCaches.predictions(TeacherCaches.rows(cache));
            testConfidences = confidences(TeacherCaches.rows(cache));
        }
        return new Outputs(train, validation, test, testConfidences);
    }

    /**
     * The old model's test logits as a finished run cached them, for reading a run back.
     *
     * @param oldModel the old model when it is a model file (checked against a shared cache), or null
     * @throws IOException when the cache is missing or does not fit the test set
     */
    float[] finishedTestLogits(OldModel oldModel, int classes) throws IOException {
        int[] labels = data.test().labels();
        Path cache = folder().resolve(TeacherCaches.TEST);
        if (!Files.exists(cache)) {
            throw new IOException(cache + ": missing, so the old model's test outputs are unknown; pc-train train"
                    + " --resume on the run directory finishes the run");
        }
        try (LogitCache c = sharedTeacherCache != null && oldModel != null
                ? LogitCache.openShared(cache, TeacherCaches.identity("test", oldModel, data.oldTest(), classes,
                        LogitCache.Precision.FLOAT32))
                : LogitCache.openExisting(cache)) {
            if (c.rows() != labels.length || c.classes() != classes) {
                throw new IOException(cache + ": holds " + c.rows() + " rows of " + c.classes() + " classes, but"
                        + " the job's test set has " + labels.length + " samples of " + classes);
            }
            return c.readAll();
        }
    }

    /** Where the run reads the old model's caches: the shared folder, or the run directory's {@code old/}. */
    private Path folder() {
        return sharedTeacherCache != null ? sharedTeacherCache : runDir.resolve(OLD);
    }

    /**
     * A model's logits of the training split from its cache file in the run directory (an ensemble reference's):
     * computed once, chunk by chunk (resumable), and checked on every later open.
     */
    LogitCache trainCache(Path file, OldModel model, Prefetcher prefetcher, String whose) throws IOException {
        return cache(file, "train", model, data.train(), data.classes(), cachePrecision, prefetcher, whose, false);
    }

    /**
     * The old model's logits of a split from its cache file in the run directory: computed once, chunk by chunk
     * (resumable), and checked on every later open; a cache made by another model, from other samples or with
     * other preprocessing is recomputed. A shared cache is only opened and checked.
     */
    private LogitCache cache(Path file, String split, OldModel old, BatchSource samples, int classes,
            LogitCache.Precision precision, Prefetcher prefetcher, String whose, boolean shared) throws IOException {
        LogitCache.Identity identity = TeacherCaches.identity(split, old, samples, classes, precision);
        if (shared) {
            return TeacherCaches.shared(file, split, identity, whose);
        }
        return cache(file, split, old, samples, classes, precision, prefetcher, whose, runDir, null);
    }

    /** Computes (or reuses) a split's cache, its rows produced here or, when {@code producers} is given, by it. */
    private LogitCache cache(Path file, String split, OldModel old, BatchSource samples, int classes,
            LogitCache.Precision precision, Prefetcher prefetcher, String whose, Path base,
            TeacherCaches.Producers producers) throws IOException {
        LogitCache.Identity identity = TeacherCaches.identity(split, old, samples, classes, precision);
        int chunkRows = TeacherCaches.chunkRows(classes, precision, evalBatchSize);
        if (producers != null) {
            return TeacherCaches.computed(file, split, identity, chunkRows, producers.of(split, identity, chunkRows),
                    whose, base);
        }
        try (NDManager manager = NDManager.newBaseManager(device)) {
            return TeacherCaches.computed(file, split, identity, chunkRows,
                    (from, to) -> logits(old, samples, from, to, manager, prefetcher), whose, base);
        }
    }

    /** A model's logits of samples [from, to) of a split, in batches of the evaluation batch from {@code from}. */
    private float[] logits(OldModel old, BatchSource samples, int from, int to, NDManager manager,
            Prefetcher prefetcher) {
        int classes = samples.numClasses();
        float[] out = new float[Math.multiplyExact(to - from, classes)];
        Inference.forEachBatch(old::logits, samples, from, to, evalBatchSize, manager, prefetcher,
                (first, values) -> System.arraycopy(values, 0, out, (first - from) * classes, values.length));
        return out;
    }

    /** See {@link PcTraining#oldModelLogits}. */
    float[] logits(OldModel old, String split, int from, int to) {
        List<Split> splits = splits(!data.train().augments());
        Split chosen = splits.stream().filter(o -> o.name().equals(split)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("split " + split + ": the teacher cache holds "
                        + splits.stream().map(Split::name).toList()));
        if (from < 0 || to > chosen.samples().size() || from >= to) {
            throw new IllegalArgumentException("split " + split + ": rows [" + from + ", " + to + ") are not within"
                    + " its " + chosen.samples().size());
        }
        try (NDManager manager = NDManager.newBaseManager(device);
                Prefetcher prefetcher = new Prefetcher(workers, prefetch)) {
            return logits(old, chosen.samples(), from, to, manager, prefetcher);
        }
    }

    /** See {@link PcTraining#writeTeacherCaches(Path, TeacherCaches.Producers)}. */
    List<Path> write(OldModel old, Path folder, TeacherCaches.Producers producers) throws IOException {
        int classes = data.classes();
        List<Path> written = new ArrayList<>();
        if (data.train().augments()) {
            LOG.info("Training data is augmented: each batch needs the old model's logits of its own crop, so"
                    + " no train cache is written (jobs compute them on the fly)");
        }
        try (Prefetcher prefetcher = new Prefetcher(workers, prefetch)) {
            for (Split split : splits(!data.train().augments())) {
                try (LogitCache cache = cache(folder.resolve(split.file()), split.name(), old, split.samples(),
                        classes, split.precision(), prefetcher, OLD_MODELS, runDir, producers)) {
                    written.add(cache.file());
                }
            }
        }
        return written;
    }

    /**
     * Checks the headers of the shared caches the run will read against the old model and the data, so that a
     * cache made for other data fails before the run directory exists; nothing without shared caches.
     *
     * @throws IllegalArgumentException naming {@code old_model.cache} when a cache does not fit
     */
    void checkShared(OldModel old, boolean withTrain, int classes) {
        if (sharedTeacherCache == null || old == null) {
            return;
        }
        try {
            for (Split split : splits(withTrain)) {
                LogitCache.checkIdentity(sharedTeacherCache.resolve(split.file()),
                        TeacherCaches.identity(split.name(), old, split.samples(), classes, split.precision()));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("old_model.cache: " + e.getMessage(), e);
        }
    }

    /**
     * The old model's cached splits, in order: train (when asked, at the cache precision), validation (unless
     * empty) and test, both float32.
     */
    private List<Split> splits(boolean withTrain) {
        List<Split> splits = new ArrayList<>();
        if (withTrain) {
            splits.add(new Split("train", TeacherCaches.TRAIN, data.oldTrainPlain(), cachePrecision));
        }
        if (data.validation().size() > 0) {
            splits.add(new Split("validation", TeacherCaches.VALIDATION, data.oldValidation(),
                    LogitCache.Precision.FLOAT32));
        }
        splits.add(new Split("test", TeacherCaches.TEST, data.oldTest(), LogitCache.Precision.FLOAT32));
        return splits;
    }

    /** The softmax probability of every row's arg-max, read in chunks like {@link TeacherCaches#predictions}. */
    private static float[] confidences(LogitRows cache) {
        int n = cache.size();
        int classes = cache.classes();
        float[] out = new float[n];
        int step = TeacherCaches.chunk(classes);
        for (int from = 0; from < n; from += step) {
            float[] part = Confidence.ofLogits(cache.rows(TeacherCaches.range(from, Math.min(n, from + step))),
                    classes);
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    /** Per row 1 where the arg-max is the label, else 0. */
    static float[] correct(LogitRows rows, int[] labels) {
        int[] predictions = TeacherCaches.predictions(rows);
        float[] out = new float[predictions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = predictions[i] == labels[i] ? 1f : 0f;
        }
        return out;
    }
}
