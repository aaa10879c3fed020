package dev.pct.train.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.train.io.Half;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An old (teacher) model's logits for every training sample, kept in a file and read back through memory
 * mapping, so that an N×C matrix of several gigabytes (ImageNet: 1.28M × 1000) never lives in the Java heap.
 *
 * <p>{@link #open} computes the logits once, chunk by chunk, with a {@link Producer}, and on later opens reuses
 * what is already in the file after checking it: a file whose {@link Identity} differs from the one asked for,
 * whose header is unreadable, or whose chunks fail their checksums is recomputed (wholly or per chunk), never
 * silently used. The {@link Report} says what was reused, what was computed and why.
 *
 * <h2>File layout</h2>
 * All integers and values are little-endian.
 * <pre>
 * offset 0     8 bytes   magic "PCTLOGC1" (ASCII)
 * offset 8     int32     format version, 1
 * offset 12    int32     H, the length of the JSON header in bytes
 * offset 16    int32     CRC32C of the JSON header bytes
 * offset 20    int32     reserved, 0
 * offset 24    H bytes   JSON header, UTF-8:
 *                        {"format":"pct logit cache",
 *                         "identity":{"oldModel":..,"data":..,"preprocessing":..,"rows":N,"classes":C,
 *                                     "precision":"FLOAT32"|"FLOAT16"},
 *                         "chunkRows":R,"chunkCount":K,"chunkTableOffset":T,"dataOffset":D}
 * offset T     K × 8     chunk table, T = 24 + H rounded up to a multiple of 8; per chunk:
 *                        int32 CRC32C of the chunk's data bytes, int32 written flag (1 written, 0 not)
 * offset D     N×C×b     data, D = T + 8K rounded up to a multiple of 4096: the logits row-major,
 *                        float32 (b = 4) or IEEE binary16 (b = 2); chunk k holds rows [kR, min(N, (k+1)R))
 *                        and the data region ends the file
 * </pre>
 * So another program can read the matrix without this class, e.g. NumPy's
 * {@code np.memmap(file, dtype='<f4', mode='r', offset=D, shape=(N, C))}.
 *
 * <h2>Writing and crashes</h2>
 * A new (or discarded) file is first truncated to nothing and set to its full size, then given its header.
 * Each chunk is produced, encoded, written at its offset and forced to disk; only then is its table entry
 * (checksum and written flag) written and forced. A process killed at any point thus leaves at most the chunk in
 * progress unwritten, and the next {@code open} computes only the chunks not marked written. The file is locked
 * with an exclusive {@link FileLock} from {@code open} to {@link #close}, so a second process (or a second
 * {@code open} in this one) fails with a message naming the file instead of writing under a reader.
 *
 * <h2>Reading</h2>
 * The data region is mapped read-only in segments of whole rows, each under 2<sup>31</sup> bytes, so files
 * larger than 2 GB work. Reads use absolute gets only, so any number of threads may read at once. Do not call
 * {@link #close} while other threads still read.
 */
public final class LogitCache implements AutoCloseable {

    static final Logger LOG = LoggerFactory.getLogger(LogitCache.class);
    static final ObjectMapper MAPPER = new ObjectMapper();

    static final byte[] MAGIC = "PCTLOGC1".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final String FORMAT_NAME = "pct logit cache";
    static final int PREAMBLE_BYTES = 24;
    static final int TABLE_ENTRY_BYTES = 8;
    static final int WRITTEN = 1;
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** The largest array (and buffer) length every JVM grants; a few words below Integer.MAX_VALUE. */
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    /** Mapped segments stay below 2^31 bytes: a ByteBuffer is indexed by int. */
    static final long DEFAULT_MAX_SEGMENT_BYTES = Integer.MAX_VALUE;

    /** How the values are stored. */
    public enum Precision {
        /** IEEE binary32, 4 bytes a value, exact. */
        FLOAT32(4),
        /**
         * IEEE binary16, 2 bytes a value, rounded to nearest (about 3 significant digits); logits beyond
         * ±65504 are refused rather than stored as infinity.
         */
        FLOAT16(2);

        private final int bytesPerValue;

        Precision(int bytesPerValue) {
            this.bytesPerValue = bytesPerValue;
        }

        /**
         * Bytes one value takes in the file.
         *
         * @return 4 or 2
         */
        public int bytesPerValue() {
            return bytesPerValue;
        }
    }

    /**
     * What the logits were made from; stored in the header as JSON. A cache whose identity differs in any field
     * from the one asked for is recomputed, so the strings must change whenever the logits would: put a
     * checkpoint's hash in {@code oldModel}, the split and its order in {@code data}.
     *
     * @param oldModel the old model, e.g. its checkpoint file and content hash
     * @param data the samples, in row order, e.g. data set, split and seed
     * @param preprocessing what was done to each sample before the old model saw it
     * @param rows N, the number of samples (at least 1)
     * @param classes C, the number of logits per sample (at least 1)
     * @param precision how the values are stored
     */
    public record Identity(
            String oldModel, String data, String preprocessing, int rows, int classes, Precision precision) {
        /** Checks the fields. */
        public Identity {
            Objects.requireNonNull(oldModel, "identity oldModel must not be null");
            Objects.requireNonNull(data, "identity data must not be null");
            Objects.requireNonNull(preprocessing, "identity preprocessing must not be null");
            Objects.requireNonNull(precision, "identity precision must not be null");
            if (rows < 1) {
                throw new IllegalArgumentException("identity rows must be at least 1, was " + rows);
            }
            if (classes < 1) {
                throw new IllegalArgumentException("identity classes must be at least 1, was " + classes);
            }
        }
    }

    /**
     * Computes the old model's logits for a range of rows. {@link #open} calls it from its own thread, one chunk
     * at a time in row order, only for the chunks it has to compute. Values are stored as given (NaN and
     * infinities included); only finite float16 overflows are refused.
     */
    @FunctionalInterface
    public interface Producer {
        /**
         * Computes the logits of rows [from, to).
         *
         * @param from the first row
         * @param to one past the last row
         * @return (to - from) × classes values, row-major
         * @throws IOException when the inputs cannot be read
         */
        float[] rows(int from, int to) throws IOException;

        /**
         * Told once, before the first {@link #rows} call, every range that will be asked for, in the order they
         * will be: so that a producer that computes ahead (several chunks at once on a cluster) computes only
         * what the file lacks. Does nothing unless overridden.
         *
         * @param ranges the chunks to compute, each as {@code {from, to}}
         */
        default void plan(List<int[]> ranges) {}
    }

    /**
     * What {@link #open} did.
     *
     * @param chunks the number of chunks in the file
     * @param chunksReused chunks found written and verified by their checksums
     * @param chunksComputed chunks produced and written by this open
     * @param reasons why chunks were computed, e.g. "new file", "identity differs: oldModel was "a", now "b"",
     *     "truncated: ...", "chunk 3 checksum mismatch"; empty when everything was reused
     * @param producingSeconds time spent in the {@link Producer}
     * @param writingSeconds time spent encoding, writing and forcing chunks to disk
     * @param verifyingSeconds time spent reading existing chunks back and checking their checksums
     * @param bytesWritten data bytes written by this open
     * @param fileBytes the size of the file
     */
    public record Report(
            int chunks,
            int chunksReused,
            int chunksComputed,
            List<String> reasons,
            double producingSeconds,
            double writingSeconds,
            double verifyingSeconds,
            long bytesWritten,
            long fileBytes) {
        /** Copies the reasons. */
        public Report {
            reasons = List.copyOf(reasons);
        }
    }

    private final Path file;
    private final Identity identity;
    private final Report report;
    private final FileChannel channel;
    private final int classes;
    private final int rowsPerSegment;
    /** One of these two is set, by precision: views of the mapped segments, indexed by value. */
    private final FloatBuffer[] floatSegments;
    private final ShortBuffer[] halfSegments;
    /** Run once on close after the channel: a shared reader's release of its lock, else nothing. */
    private final Runnable onClose;
    private volatile boolean closed;

    private LogitCache(Path file, Identity identity, Report report, FileChannel channel, int rowsPerSegment,
            FloatBuffer[] floatSegments, ShortBuffer[] halfSegments, Runnable onClose) {
        this.file = file;
        this.identity = identity;
        this.report = report;
        this.channel = channel;
        this.classes = identity.classes();
        this.rowsPerSegment = rowsPerSegment;
        this.floatSegments = floatSegments;
        this.halfSegments = halfSegments;
        this.onClose = onClose;
    }

    /**
     * Opens a cache file, computing whatever is missing, wrong or of another identity, and maps it for reading.
     *
     * @param file the cache file (created, with its parent folders, when missing)
     * @param identity what the logits are made from, and their shape and precision
     * @param chunkRows rows per chunk: the unit of producing, writing, verifying and resuming; the producer
     *     holds up to chunkRows × classes floats at a time. A file written with other chunk rows is recomputed.
     * @param producer computes the logits of a range of rows
     * @return the open cache; close it to release the file lock
     * @throws IOException when the file cannot be read, written or locked, or the producer fails with one
     * @throws IllegalArgumentException when chunkRows is out of range, or a logit does not fit float16
     * @throws IllegalStateException when the producer returns the wrong number of values
     */
    public static LogitCache open(Path file, Identity identity, int chunkRows, Producer producer) throws IOException {
        return open(file, identity, chunkRows, producer, DEFAULT_MAX_SEGMENT_BYTES);
    }

    /** {@link #open(Path, Identity, int, Producer)} with a chosen segment size, so tests can force many. */
    static LogitCache open(Path file, Identity identity, int chunkRows, Producer producer, long maxSegmentBytes)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(producer, "producer");
        long rowBytes = (long) identity.classes() * identity.precision().bytesPerValue();
        if (maxSegmentBytes < rowBytes || maxSegmentBytes > DEFAULT_MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size must be between one row (" + rowBytes + " bytes) and "
                    + DEFAULT_MAX_SEGMENT_BYTES + " bytes, was " + maxSegmentBytes);
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException(file + ": chunk rows must be at least 1, was " + chunkRows);
        }
        long chunkBytes = Math.min(chunkRows, identity.rows()) * rowBytes;
        if (chunkBytes > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(file + ": chunk rows " + chunkRows + " × " + identity.classes()
                    + " classes make " + chunkBytes + "-byte chunks, over the " + MAX_ARRAY_LENGTH
                    + " a buffer can hold; use at most " + MAX_ARRAY_LENGTH / rowBytes + " chunk rows");
        }
        CacheLayout layout = CacheLayout.of(identity, chunkRows);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean existed = Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
        try {
            lock(channel, file);
            Report report = new CachePreparation(file, channel, layout, producer).run(existed);
            return mapped(file, layout, report, channel, maxSegmentBytes, () -> { });
        } catch (Throwable t) {
            try {
                channel.close(); // releases the lock too
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    /** Maps a prepared file's data region read-only, in segments of whole rows under maxSegmentBytes. */
    private static LogitCache mapped(Path file, CacheLayout layout, Report report, FileChannel channel,
            long maxSegmentBytes, Runnable onClose) throws IOException {
        Identity identity = layout.identity;
        long rowBytes = (long) identity.classes() * identity.precision().bytesPerValue();
        int rowsPerSegment = (int) Math.min(identity.rows(), maxSegmentBytes / rowBytes);
        int segments = (int) ((identity.rows() + (long) rowsPerSegment - 1) / rowsPerSegment);
        FloatBuffer[] floats = identity.precision() == Precision.FLOAT32 ? new FloatBuffer[segments] : null;
        ShortBuffer[] halves = identity.precision() == Precision.FLOAT16 ? new ShortBuffer[segments] : null;
        for (int s = 0; s < segments; s++) {
            long firstRow = (long) s * rowsPerSegment;
            long segmentRows = Math.min(rowsPerSegment, identity.rows() - firstRow);
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY,
                    layout.dataOffset + firstRow * rowBytes, segmentRows * rowBytes)
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (floats != null) {
                floats[s] = mapped.asFloatBuffer();
            } else {
                halves[s] = mapped.asShortBuffer();
            }
        }
        return new LogitCache(file, identity, report, channel, rowsPerSegment, floats, halves, onClose);
    }

    /**
     * Opens a complete cache that another command made (a teacher cache shared by several jobs), for reading
     * only: nothing is computed or written. Its header must carry exactly the identity expected, every chunk
     * must be written and pass its checksum; otherwise the cache is refused with the reason. The file is held
     * under a shared lock until {@link #close}, so any number of readers, in this process or others, may hold
     * it at once, while {@link #open} (the writer's exclusive lock) is refused until the last reader closes,
     * and a reader is refused while a writer holds it.
     *
     * @param file the cache file
     * @param expected what the reader's own old model, data and preprocessing make
     * @return the open cache
     * @throws IOException naming the file: when it is missing, locked by a writer, not a logit cache, made for
     *     another identity, incomplete, or damaged
     */
    public static LogitCache openShared(Path file, Identity expected) throws IOException {
        Objects.requireNonNull(expected, "expected");
        requireFile(file);
        Path key = file.toRealPath();
        SharedLocks.acquire(key, file);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                // Under the lock, so that no writer is half-way through the header.
                JsonNode root = checkIdentity(channel, file, expected);
                CacheLayout layout = CacheLayout.of(expected, root.path("chunkRows").asInt());
                Report report = new CachePreparation(file, channel, layout, null).verifyAll();
                return mapped(file, layout, report, channel, DEFAULT_MAX_SEGMENT_BYTES,
                        () -> SharedLocks.release(key));
            } catch (Throwable t) {
                channel.close();
                throw t;
            }
        } catch (Throwable t) {
            SharedLocks.release(key);
            throw t;
        }
    }

    /**
     * Checks that a shared cache's header carries the identity expected, reading the header only (no lock, no
     * chunk), so that a job can refuse a cache made for other data before it starts; {@link #openShared}
     * checks again under its lock, and every chunk. A cache that a writer is still creating may read as
     * unreadable here.
     *
     * @param file the cache file
     * @param expected what the reader's own old model, data and preprocessing make
     * @throws IOException naming the file and every field that differs, or when it is missing or unreadable
     */
    public static void checkIdentity(Path file, Identity expected) throws IOException {
        Objects.requireNonNull(expected, "expected");
        requireFile(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            checkIdentity(channel, file, expected);
        }
    }

    private static void requireFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no teacher cache here; pc-train teacher CONFIG --out "
                    + file.toAbsolutePath().getParent() + " writes one for a job's old model and data");
        }
    }

    private static JsonNode checkIdentity(FileChannel channel, Path file, Identity expected) throws IOException {
        JsonNode root = headerJson(channel, file);
        Identity stored;
        try {
            stored = CachePreparation.storedIdentity(root);
        } catch (HeaderMismatch e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        List<String> differences = CachePreparation.differences(stored, expected);
        if (!differences.isEmpty()) {
            throw new IOException(file + ": a teacher cache made for another old model, data or preprocessing,"
                    + " refused: " + String.join("; ", differences) + " (was: the cache, now: this job); run"
                    + " pc-train teacher with this job's config, or leave old_model.cache out");
        }
        return root;
    }

    /**
     * The shared locks of this process's readers, one per file: a {@link FileLock} belongs to the whole JVM,
     * and a second lock on the same file, even a shared one, throws, so readers in one process share one,
     * counted, on a channel of its own.
     */
    private static final class SharedLocks {
        private static final Map<Path, Holder> HELD = new HashMap<>();

        private record Holder(FileChannel channel, int readers) {}

        static synchronized void acquire(Path key, Path file) throws IOException {
            Holder held = HELD.get(key);
            if (held != null) {
                HELD.put(key, new Holder(held.channel(), held.readers() + 1));
                return;
            }
            FileChannel channel = FileChannel.open(key, StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                channel.close();
                throw new IOException(file + ": the teacher cache is being written in this process; wait for it"
                        + " to finish", e);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (lock == null) {
                channel.close();
                throw new IOException(file + ": the teacher cache is being written by another process (pc-train"
                        + " teacher still running?); wait for it to finish");
            }
            HELD.put(key, new Holder(channel, 1));
        }

        static synchronized void release(Path key) {
            Holder held = HELD.get(key);
            if (held == null) {
                return;
            }
            if (held.readers() > 1) {
                HELD.put(key, new Holder(held.channel(), held.readers() - 1));
                return;
            }
            HELD.remove(key);
            try {
                held.channel().close(); // releases the lock
            } catch (IOException e) {
                LOG.warn("{}: closing the shared lock's channel failed: {}", key, e.getMessage());
            }
        }
    }

    /**
     * Opens a complete cache file as it is, for reading: its identity comes from its header. Every chunk is
     * verified; nothing is computed.
     *
     * @param file the cache file
     * @return the open cache
     * @throws IOException when the file is not a readable logit cache, or a chunk is missing or fails its
     *     checksum
     */
    public static LogitCache openExisting(Path file) throws IOException {
        JsonNode root;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            root = headerJson(channel, file);
        }
        Identity identity;
        try {
            identity = CachePreparation.storedIdentity(root);
        } catch (HeaderMismatch e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        int chunkRows = root.path("chunkRows").asInt();
        return open(file, identity, chunkRows, (from, to) -> {
            throw new IOException(file + ": rows " + from + " to " + to + " are missing or damaged; the cache is"
                    + " incomplete");
        });
    }

    /** Reads a cache's JSON header (magic and length checked; the checksum is {@link CachePreparation}'s). */
    private static JsonNode headerJson(FileChannel channel, Path file) throws IOException {
        ByteBuffer preamble = ByteBuffer.allocate(PREAMBLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (preamble.hasRemaining() && channel.read(preamble) >= 0) {
            // reads the whole preamble
        }
        preamble.flip();
        byte[] magic = new byte[MAGIC.length];
        if (preamble.remaining() < PREAMBLE_BYTES || !Arrays.equals(magic(preamble, magic), MAGIC)) {
            throw new IOException(file + ": not a logit cache (no \"PCTLOGC1\" header)");
        }
        preamble.getInt();
        int length = preamble.getInt();
        if (length < 2 || length > MAX_HEADER_BYTES) {
            throw new IOException(file + ": unreadable logit cache header (length " + length + ")");
        }
        ByteBuffer json = ByteBuffer.allocate(length);
        while (json.hasRemaining() && channel.read(json, PREAMBLE_BYTES + json.position()) >= 0) {
            // reads the whole header
        }
        return MAPPER.readTree(json.array());
    }

    private static byte[] magic(ByteBuffer preamble, byte[] into) {
        preamble.get(into);
        return into;
    }

    private static void lock(FileChannel channel, Path file) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new IOException(file + ": the logit cache is already open in this process; close it first", e);
        }
        if (lock == null) {
            throw new IOException(file + ": the logit cache is locked by another process (another job using the"
                    + " same run directory?); wait for it to finish or use another run directory");
        }
    }

    /**
     * What the file's logits were made from.
     *
     * @return the identity
     */
    public Identity identity() {
        return identity;
    }

    /**
     * What opening did: chunks reused and computed, why, and how long it took.
     *
     * @return the report
     */
    public Report report() {
        return report;
    }

    /**
     * The cache file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * The number of rows (samples).
     *
     * @return N
     */
    public int rows() {
        return identity.rows();
    }

    /**
     * The number of logits per row.
     *
     * @return C
     */
    public int classes() {
        return classes;
    }

    /** The number of mapped segments (for tests). */
    int segmentCount() {
        return floatSegments != null ? floatSegments.length : halfSegments.length;
    }

    /**
     * Copies one row's logits into an array. Safe to call from several threads at once.
     *
     * @param index the row
     * @param dst where to put the {@link #classes()} values
     * @param offset where in dst the row starts
     * @throws IndexOutOfBoundsException when the row is not in the cache or dst is too short
     * @throws IllegalStateException when the cache is closed
     */
    public void row(int index, float[] dst, int offset) {
        ensureOpen();
        checkRow(index);
        if (offset < 0 || offset > dst.length - classes) {
            throw new IndexOutOfBoundsException("a row of " + classes + " values does not fit at offset " + offset
                    + " of an array of " + dst.length);
        }
        readRow(index, dst, offset);
    }

    /**
     * Gathers rows into one row-major array, e.g. the old model's logits for a batch. Safe to call from several
     * threads at once.
     *
     * @param indices the rows, in the order wanted (repeats allowed)
     * @return indices.length × {@link #classes()} values
     * @throws IndexOutOfBoundsException when a row is not in the cache
     * @throws IllegalArgumentException when the result would not fit in one array
     * @throws IllegalStateException when the cache is closed
     */
    public float[] rows(int[] indices) {
        ensureOpen();
        long values = (long) indices.length * classes;
        if (values > MAX_ARRAY_LENGTH) {
            throw new IllegalArgumentException(indices.length + " rows × " + classes + " classes = " + values
                    + " values, more than one Java array can hold (" + MAX_ARRAY_LENGTH + "); ask for fewer rows");
        }
        for (int index : indices) {
            checkRow(index);
        }
        float[] out = new float[(int) values];
        for (int i = 0; i < indices.length; i++) {
            readRow(indices[i], out, i * classes);
        }
        return out;
    }

    /**
     * Reads the whole matrix into the heap; meant for small splits (validation, test).
     *
     * @return rows × classes values, row-major
     * @throws IllegalStateException when the matrix does not fit in one Java array, or the cache is closed
     */
    public float[] readAll() {
        ensureOpen();
        long values = (long) identity.rows() * classes;
        if (values > MAX_ARRAY_LENGTH) {
            throw new IllegalStateException(file + " holds " + identity.rows() + " rows × " + classes + " classes = "
                    + values + " values, more than one Java array can hold (" + MAX_ARRAY_LENGTH
                    + "); read it in batches with rows(int[]) or row(int, float[], int)");
        }
        float[] out = new float[(int) values];
        for (int r = 0; r < identity.rows(); r++) {
            readRow(r, out, r * classes);
        }
        return out;
    }

    /**
     * Releases the file lock and the file. The mapped memory goes when the garbage collector finds it
     * unreachable (Java 17 has no public unmap); reading after close fails.
     *
     * @throws IOException when closing the file fails
     */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                channel.close();
            } finally {
                onClose.run();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("logit cache " + file + " is closed");
        }
    }

    private void checkRow(int index) {
        if (index < 0 || index >= identity.rows()) {
            throw new IndexOutOfBoundsException(
                    "row " + index + " is outside [0, " + identity.rows() + ") of logit cache " + file);
        }
    }

    private void readRow(int index, float[] dst, int offset) {
        int segment = index / rowsPerSegment;
        // Segments are under 2^31 bytes, so a value index within one fits in an int.
        int first = (index - segment * rowsPerSegment) * classes;
        if (floatSegments != null) {
            floatSegments[segment].get(first, dst, offset, classes);
        } else {
            ShortBuffer halves = halfSegments[segment];
            for (int c = 0; c < classes; c++) {
                dst[offset + c] = Half.toFloat(halves.get(first + c));
            }
        }
    }

    static int crc(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
