package dev.pct.train.teacher;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.data.BatchSource;
import dev.pct.train.update.OldModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's logits of a data split as a {@link LogitCache} file: what they are made from, the files of a run's
 * (or a shared folder's) old model, computing or reusing one, reading a shared one, and the rows and arg-maxes
 * read back in chunks so that no split needs to fit in the heap.
 */
public final class TeacherCaches {

    /** The old model's logits of the training split, the teacher's input. */
    public static final String TRAIN = "teacher-train.logits";
    /** The old model's logits of the validation split. */
    public static final String VALIDATION = "logits-validation.cache";
    /** The old model's logits of the test set. */
    public static final String TEST = "logits-test.cache";

    private static final Logger LOG = LoggerFactory.getLogger(TeacherCaches.class);
    /**
     * A chunk holds about this many bytes of rows: 32 MiB, or the system property {@code pct.cache.chunkBytes}
     * (a chunk is also the unit of a Spark task, so a smaller one spreads a small split over more tasks).
     */
    public static final String CHUNK_BYTES_PROPERTY = "pct.cache.chunkBytes";
    private static final int CHUNK_BYTES = 32 << 20;

    private TeacherCaches() {}

    /** Who computes a split's rows of a cache this process writes: e.g. Spark tasks on executors. */
    @FunctionalInterface
    public interface Producers {
        /**
         * The producer of one split's rows.
         *
         * @param split the split's name, e.g. {@code train}
         * @param identity what the cache is made from (its rows, classes and precision)
         * @param chunkRows rows per chunk: the producer is asked for chunk after chunk
         * @return the producer
         */
        LogitCache.Producer of(String split, LogitCache.Identity identity, int chunkRows);
    }

    /**
     * What a split's logits are made from: the model, the samples in order, their preprocessing, the shape and
     * the precision.
     *
     * @param split the split's name, e.g. {@code train}
     * @param model the model
     * @param samples the split's samples as the model sees them
     * @param classes C
     * @param precision how the values are stored
     * @return the identity a cache's header must carry
     */
    public static LogitCache.Identity identity(String split, OldModel model, BatchSource samples, int classes,
            LogitCache.Precision precision) {
        return new LogitCache.Identity(model.identity(), split + " split: " + samples.fingerprint(),
                samples.inputDescription(), samples.size(), classes, precision);
    }

    /**
     * The rows of one chunk: about 32 MB of them (see {@link #CHUNK_BYTES_PROPERTY}), a whole number of batches,
     * at most 65,536.
     *
     * @param classes C
     * @param precision how the values are stored
     * @param batchSize the batch the model runs at
     * @return rows per chunk
     */
    public static int chunkRows(int classes, LogitCache.Precision precision, int batchSize) {
        int rowBytes = classes * precision.bytesPerValue();
        int bytes = Integer.getInteger(CHUNK_BYTES_PROPERTY, CHUNK_BYTES);
        if (bytes < 1) {
            throw new IllegalArgumentException("-D" + CHUNK_BYTES_PROPERTY + " must be a positive number of bytes,"
                    + " was " + bytes);
        }
        return Math.max(batchSize, Math.min(1 << 16, bytes / rowBytes) / batchSize * batchSize);
    }

    /**
     * Opens a split's cache, computing what is missing, wrong or of another identity ({@link LogitCache#open}),
     * and logs what was reused or computed at what rate.
     *
     * @param file the cache file
     * @param split the split's name, for the log
     * @param identity what the logits are made from
     * @param chunkRows rows per chunk
     * @param producer computes the logits of a range of rows
     * @param whose whose logits, for the log, e.g. {@code "Old model's"}
     * @param base the folder the log names the file relative to, when the file is inside it
     * @return the open cache
     * @throws IOException when the file cannot be read, written or locked, or the producer fails
     */
    public static LogitCache computed(Path file, String split, LogitCache.Identity identity, int chunkRows,
            LogitCache.Producer producer, String whose, Path base) throws IOException {
        LogitCache cache = LogitCache.open(file, identity, chunkRows, producer);
        LogitCache.Report r = cache.report();
        if (r.chunksComputed() == 0) {
            LOG.info(String.format("%s %s logits: %s reused (%d chunks verified in %.1f s)", whose, split,
                    shown(file, base), r.chunks(), r.verifyingSeconds()));
        } else {
            double seconds = r.producingSeconds() + r.writingSeconds();
            int computedRows = (int) Math.min(identity.rows(), (long) r.chunksComputed() * chunkRows);
            LOG.info(String.format("%s %s logits: %s, %d of %d chunks computed (%s) in %.1f s: %.0f images/s"
                            + " through the model, %.0f MB/s written (%.1f s of it writing); %s, %.1f MB",
                    whose, split, shown(file, base), r.chunksComputed(), r.chunks(), String.join("; ", r.reasons()),
                    seconds, computedRows / Math.max(1e-9, seconds),
                    r.bytesWritten() / 1e6 / Math.max(1e-9, r.writingSeconds()), r.writingSeconds(),
                    identity.precision().name().toLowerCase(Locale.ROOT), r.fileBytes() / 1e6));
        }
        return cache;
    }

    /**
     * Opens a split's cache from a shared folder, read only ({@link LogitCache#openShared}), and logs it.
     *
     * @param file the cache file
     * @param split the split's name, for the log
     * @param identity what the reader's own model and data make
     * @param whose whose logits, for the log
     * @return the open cache
     * @throws IOException naming the file when it is missing, locked by a writer, of another identity,
     *     incomplete or damaged
     */
    public static LogitCache shared(Path file, String split, LogitCache.Identity identity, String whose)
            throws IOException {
        LogitCache cache = LogitCache.openShared(file, identity);
        LOG.info(String.format("%s %s logits: %s, shared, read only (%d chunks verified in %.1f s)", whose, split,
                file, cache.report().chunks(), cache.report().verifyingSeconds()));
        return cache;
    }

    /**
     * A cache's rows as {@link LogitRows}, read from the mapped file on each call.
     *
     * @param cache an open cache
     * @return its rows
     */
    public static LogitRows rows(LogitCache cache) {
        return new LogitRows() {
            @Override
            public int size() {
                return cache.rows();
            }

            @Override
            public int classes() {
                return cache.classes();
            }

            @Override
            public float[] rows(int[] indices) {
                return cache.rows(indices);
            }
        };
    }

    /**
     * The arg-max of every row, read in chunks of about a million values.
     *
     * @param rows the logits
     * @return one class per row
     */
    public static int[] predictions(LogitRows rows) {
        int n = rows.size();
        int classes = rows.classes();
        int[] out = new int[n];
        int step = chunk(classes);
        for (int from = 0; from < n; from += step) {
            int[] part = FlipAccumulator.argmax(rows.rows(range(from, Math.min(n, from + step))), classes);
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    /**
     * The row indices {@code [from, to)}, for reading a split in chunks.
     *
     * @param from the first row
     * @param to one past the last
     * @return the indices
     */
    public static int[] range(int from, int to) {
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        return indices;
    }

    /**
     * How many rows of C logits make about a million values: the step of a chunked read.
     *
     * @param classes C
     * @return at least 1
     */
    public static int chunk(int classes) {
        return Math.max(1, (1 << 20) / classes);
    }

    private static Path shown(Path file, Path base) {
        Path absolute = file.toAbsolutePath();
        Path folder = base.toAbsolutePath();
        return absolute.startsWith(folder) ? folder.relativize(absolute) : file;
    }
}
