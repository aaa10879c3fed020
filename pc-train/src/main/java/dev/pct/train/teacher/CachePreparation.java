package dev.pct.train.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.io.Half;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One open's work on a {@link LogitCache} file: check what is there (the header against the identity, every
 * written chunk against its checksum), then compute and write what is missing; the one writer of the format.
 */
final class CachePreparation {
    private static final int VERIFY_BUFFER_BYTES = 8 << 20;

    private final Path file;
    private final FileChannel channel;
    private final CacheLayout layout;
    private final LogitCache.Producer producer;
    private final List<String> reasons = new ArrayList<>();
    private long producingNanos;
    private long writingNanos;
    private long verifyingNanos;
    private long bytesWritten;
    private ByteBuffer chunkBuffer;

    CachePreparation(Path file, FileChannel channel, CacheLayout layout, LogitCache.Producer producer) {
        this.file = file;
        this.channel = channel;
        this.layout = layout;
        this.producer = producer;
    }

    LogitCache.Report run(boolean existed) throws IOException {
        boolean[] good = new boolean[layout.chunkCount];
        long size = channel.size();
        String discard = null;
        if (size == 0) {
            discard = existed ? "empty file" : "new file";
            LogitCache.LOG.info("{}: {}, computing {} chunks of logits", file, discard, layout.chunkCount);
        } else {
            try {
                checkHeader(size);
            } catch (HeaderMismatch e) {
                discard = e.getMessage();
                LogitCache.LOG.warn("{}: {}; recomputing all {} chunks", file, discard, layout.chunkCount);
            }
        }
        if (discard != null) {
            reasons.add(discard);
            initialize();
        } else {
            checkChunks(size, good);
        }
        int reused = 0;
        for (boolean g : good) {
            reused += g ? 1 : 0;
        }
        List<int[]> missing = new ArrayList<>();
        for (int chunk = 0; chunk < layout.chunkCount; chunk++) {
            if (!good[chunk]) {
                missing.add(new int[] {layout.firstRow(chunk), layout.endRow(chunk)});
            }
        }
        if (!missing.isEmpty()) {
            producer.plan(List.copyOf(missing));
        }
        for (int chunk = 0; chunk < layout.chunkCount; chunk++) {
            if (!good[chunk]) {
                produce(chunk);
            }
        }
        LogitCache.Report report = new LogitCache.Report(layout.chunkCount, reused, layout.chunkCount - reused, reasons,
                producingNanos / 1e9, writingNanos / 1e9, verifyingNanos / 1e9, bytesWritten, channel.size());
        LogitCache.LOG.info("{}: {} chunks reused, {} computed ({} s producing, {} s writing, {} s verifying)", file,
                report.chunksReused(), report.chunksComputed(), seconds(report.producingSeconds()),
                seconds(report.writingSeconds()), seconds(report.verifyingSeconds()));
        return report;
    }

    /**
     * Checks a file that must not be changed: its header against the layout and every chunk written with
     * its checksum. Writes nothing.
     */
    LogitCache.Report verifyAll() throws IOException {
        long size = channel.size();
        try {
            checkHeader(size);
        } catch (HeaderMismatch e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (size != layout.fileBytes()) {
            throw new IOException(file + ": the file has " + size + " bytes, its header's layout needs "
                    + layout.fileBytes() + "; the cache is damaged or was cut short");
        }
        ByteBuffer table = ByteBuffer.allocate(layout.chunkCount * LogitCache.TABLE_ENTRY_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        readFully(table, layout.tableOffset);
        ByteBuffer buffer = ByteBuffer.allocateDirect(
                (int) Math.min(VERIFY_BUFFER_BYTES, layout.chunkBytes(0)));
        List<Integer> unwritten = new ArrayList<>();
        List<Integer> damaged = new ArrayList<>();
        long start = System.nanoTime();
        for (int chunk = 0; chunk < layout.chunkCount; chunk++) {
            if (table.getInt(chunk * LogitCache.TABLE_ENTRY_BYTES + 4) != LogitCache.WRITTEN) {
                unwritten.add(chunk);
            } else if (chunkCrc(chunk, buffer) != table.getInt(chunk * LogitCache.TABLE_ENTRY_BYTES)) {
                damaged.add(chunk);
            }
        }
        verifyingNanos += System.nanoTime() - start;
        if (!unwritten.isEmpty() || !damaged.isEmpty()) {
            throw new IOException(file + ": " + (unwritten.isEmpty() ? "" : unwritten.size() + " of "
                    + layout.chunkCount + " chunks not written (the teacher command stopped before the end?)")
                    + (!unwritten.isEmpty() && !damaged.isEmpty() ? "; " : "")
                    + (damaged.isEmpty() ? "" : "chunks " + damaged + " fail their checksums")
                    + "; run pc-train teacher again to finish or repair it");
        }
        return new LogitCache.Report(layout.chunkCount, layout.chunkCount, 0, List.of(), 0, 0, verifyingNanos / 1e9, 0,
                size);
    }

    /** Returns when the header matches the layout wanted; throws with the reason otherwise. */
    private void checkHeader(long size) throws IOException, HeaderMismatch {
        if (size < LogitCache.PREAMBLE_BYTES) {
            throw new HeaderMismatch("header truncated: the file has " + size + " bytes, a header needs "
                    + LogitCache.PREAMBLE_BYTES + " before its JSON");
        }
        ByteBuffer preamble = ByteBuffer.allocate(LogitCache.PREAMBLE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(preamble, 0);
        byte[] magic = new byte[LogitCache.MAGIC.length];
        preamble.flip().get(magic);
        if (!Arrays.equals(magic, LogitCache.MAGIC)) {
            throw new HeaderMismatch("not a logit cache: the file does not start with \""
                    + new String(LogitCache.MAGIC, StandardCharsets.US_ASCII) + "\"");
        }
        int version = preamble.getInt();
        if (version != LogitCache.FORMAT_VERSION) {
            throw new HeaderMismatch("format version " + version + ", this code reads " + LogitCache.FORMAT_VERSION);
        }
        int length = preamble.getInt();
        int storedCrc = preamble.getInt();
        if (length < 2 || length > LogitCache.MAX_HEADER_BYTES) {
            throw new HeaderMismatch("unreadable header: its length " + length + " is not in [2, "
                    + LogitCache.MAX_HEADER_BYTES + "]");
        }
        if (LogitCache.PREAMBLE_BYTES + (long) length > size) {
            throw new HeaderMismatch("header truncated: the file has " + size + " bytes, its header ends at "
                    + (LogitCache.PREAMBLE_BYTES + (long) length));
        }
        ByteBuffer json = ByteBuffer.allocate(length);
        readFully(json, LogitCache.PREAMBLE_BYTES);
        if (LogitCache.crc(json.flip()) != storedCrc) {
            throw new HeaderMismatch("unreadable header: header checksum mismatch");
        }
        JsonNode root;
        try {
            root = LogitCache.MAPPER.readTree(json.array());
        } catch (IOException e) {
            throw new HeaderMismatch("unreadable header: " + e.getMessage().lines().findFirst().orElse(""));
        }
        LogitCache.Identity stored = storedIdentity(root);
        List<String> differences = differences(stored, layout.identity);
        if (!differences.isEmpty()) {
            throw new HeaderMismatch("identity differs: " + String.join("; ", differences));
        }
        long chunkRows = integer(root, "chunkRows");
        if (chunkRows != layout.chunkRows) {
            throw new HeaderMismatch("chunk rows differ: was " + chunkRows + ", now " + layout.chunkRows);
        }
        long chunkCount = integer(root, "chunkCount");
        long tableOffset = integer(root, "chunkTableOffset");
        long dataOffset = integer(root, "dataOffset");
        if (chunkCount != layout.chunkCount || tableOffset != layout.tableOffset
                || dataOffset != layout.dataOffset) {
            throw new HeaderMismatch("header layout differs: chunkCount " + chunkCount + ", chunkTableOffset "
                    + tableOffset + ", dataOffset " + dataOffset + " where this code expects "
                    + layout.chunkCount + ", " + layout.tableOffset + ", " + layout.dataOffset);
        }
    }

    static LogitCache.Identity storedIdentity(JsonNode root) throws HeaderMismatch {
        JsonNode format = root.get("format");
        if (format == null || !LogitCache.FORMAT_NAME.equals(format.asText())) {
            throw new HeaderMismatch("unreadable header: \"format\" is not \"" + LogitCache.FORMAT_NAME + "\"");
        }
        JsonNode id = root.get("identity");
        if (id == null || !id.isObject()) {
            throw new HeaderMismatch("unreadable header: no \"identity\" object");
        }
        String precision = text(id, "precision");
        if (Arrays.stream(LogitCache.Precision.values()).noneMatch(p -> p.name().equals(precision))) {
            throw new HeaderMismatch("unreadable header: precision \"" + precision + "\" is not one of "
                    + Arrays.toString(LogitCache.Precision.values()));
        }
        try {
            return new LogitCache.Identity(text(id, "oldModel"), text(id, "data"), text(id, "preprocessing"),
                    (int) integer(id, "rows"), (int) integer(id, "classes"), LogitCache.Precision.valueOf(precision));
        } catch (IllegalArgumentException e) {
            throw new HeaderMismatch("unreadable header: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) throws HeaderMismatch {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new HeaderMismatch("unreadable header: \"" + field + "\" is missing or not a string");
        }
        return value.textValue();
    }

    private static long integer(JsonNode node, String field) throws HeaderMismatch {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new HeaderMismatch("unreadable header: \"" + field + "\" is missing or not an integer");
        }
        long v = value.longValue();
        if (v < 0 || (!field.endsWith("Offset") && v > Integer.MAX_VALUE)) {
            throw new HeaderMismatch("unreadable header: \"" + field + "\" is " + v + ", out of range");
        }
        return v;
    }

    static List<String> differences(LogitCache.Identity was, LogitCache.Identity now) {
        List<String> out = new ArrayList<>();
        difference(out, "oldModel", quoted(was.oldModel()), quoted(now.oldModel()));
        difference(out, "data", quoted(was.data()), quoted(now.data()));
        difference(out, "preprocessing", quoted(was.preprocessing()), quoted(now.preprocessing()));
        difference(out, "rows", was.rows(), now.rows());
        difference(out, "classes", was.classes(), now.classes());
        difference(out, "precision", was.precision(), now.precision());
        return out;
    }

    private static void difference(List<String> out, String field, Object was, Object now) {
        if (!was.equals(now)) {
            out.add(field + " was " + was + ", now " + now);
        }
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    /** Empties the file, sets it to its full size (all chunks unwritten), then writes the header. */
    private void initialize() throws IOException {
        // Truncating first drops every chunk-table entry: a crash part-way can never leave old entries
        // under a new header, where old data would pass its old checksums.
        channel.truncate(0);
        writeFully(ByteBuffer.allocate(1), layout.fileBytes() - 1);
        channel.force(true);
        ByteBuffer head = ByteBuffer.allocate(LogitCache.PREAMBLE_BYTES + layout.header.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        head.put(LogitCache.MAGIC).putInt(LogitCache.FORMAT_VERSION).putInt(layout.header.length)
                .putInt(LogitCache.crc(ByteBuffer.wrap(layout.header))).putInt(0).put(layout.header);
        writeFully(head.flip(), 0);
        channel.force(false);
    }

    /** Marks in {@code good} the chunks written and verified; clears the table entries of the others. */
    private void checkChunks(long size, boolean[] good) throws IOException {
        long fileBytes = layout.fileBytes();
        int count = layout.chunkCount;
        ByteBuffer table = ByteBuffer.allocate(count * LogitCache.TABLE_ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long tableBytesInFile = Math.max(0, Math.min(table.capacity(), size - layout.tableOffset));
        table.limit((int) tableBytesInFile);
        readFully(table, layout.tableOffset);
        table.clear();
        int unwritten = 0;
        int pastCut = 0;
        ByteBuffer buffer = null;
        long start = System.nanoTime();
        for (int chunk = 0; chunk < count; chunk++) {
            int storedCrc = table.getInt(chunk * LogitCache.TABLE_ENTRY_BYTES);
            int flag = table.getInt(chunk * LogitCache.TABLE_ENTRY_BYTES + 4);
            if (layout.chunkOffset(chunk) + layout.chunkBytes(chunk) > size) {
                pastCut++;
            } else if (flag != LogitCache.WRITTEN) {
                unwritten++;
            } else {
                if (buffer == null) {
                    buffer = ByteBuffer.allocateDirect(
                            (int) Math.min(VERIFY_BUFFER_BYTES, layout.chunkBytes(0)));
                }
                if (chunkCrc(chunk, buffer) == storedCrc) {
                    good[chunk] = true;
                } else {
                    String reason = "chunk " + chunk + " checksum mismatch";
                    reasons.add(reason);
                    LogitCache.LOG.warn("{}: {} (rows {} to {}); recomputing it", file, reason, layout.firstRow(chunk),
                            layout.endRow(chunk));
                }
            }
        }
        verifyingNanos += System.nanoTime() - start;
        if (size < fileBytes) {
            String reason = "truncated: the file has " + size + " bytes, its layout needs " + fileBytes
                    + "; " + pastCut + " chunks past the cut";
            reasons.add(reason);
            LogitCache.LOG.warn("{}: {}; recomputing them", file, reason);
            writeFully(ByteBuffer.allocate(1), fileBytes - 1);
        } else if (size > fileBytes) {
            reasons.add("the file has " + size + " bytes, its layout needs " + fileBytes
                    + "; trailing bytes dropped");
            channel.truncate(fileBytes);
        }
        if (unwritten > 0) {
            reasons.add("resumed: " + unwritten + " of " + count + " chunks not written yet");
            LogitCache.LOG.info("{}: resuming, {} of {} chunks not written yet", file, unwritten, count);
        }
        // Entries of chunks about to be rewritten are cleared first, so a crash while rewriting one can never
        // leave it marked written.
        boolean cleared = false;
        ByteBuffer zero = ByteBuffer.allocate(LogitCache.TABLE_ENTRY_BYTES);
        for (int chunk = 0; chunk < count; chunk++) {
            if (!good[chunk] && table.getInt(chunk * LogitCache.TABLE_ENTRY_BYTES + 4) != 0) {
                writeFully(zero.clear(), layout.tableOffset + (long) chunk * LogitCache.TABLE_ENTRY_BYTES);
                cleared = true;
            }
        }
        if (cleared || size != fileBytes) {
            channel.force(true);
        }
    }

    private int chunkCrc(int chunk, ByteBuffer buffer) throws IOException {
        CRC32C crc = new CRC32C();
        long position = layout.chunkOffset(chunk);
        long end = position + layout.chunkBytes(chunk);
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            readFully(buffer, position);
            position += buffer.position();
            crc.update(buffer.flip());
        }
        return (int) crc.getValue();
    }

    private void produce(int chunk) throws IOException {
        int from = layout.firstRow(chunk);
        int to = layout.endRow(chunk);
        int classes = layout.identity.classes();
        long start = System.nanoTime();
        float[] values = producer.rows(from, to);
        long produced = System.nanoTime();
        producingNanos += produced - start;
        long expected = (long) (to - from) * classes;
        if (values == null || values.length != expected) {
            throw new IllegalStateException(file + ": the producer returned "
                    + (values == null ? "null" : values.length + " values") + " for rows [" + from + ", " + to
                    + "), expected " + (to - from) + " rows × " + classes + " classes = " + expected);
        }
        if (chunkBuffer == null) {
            chunkBuffer = ByteBuffer.allocateDirect(layout.chunkBytes(0)).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer data = chunkBuffer.clear().limit(layout.chunkBytes(chunk));
        if (layout.identity.precision() == LogitCache.Precision.FLOAT32) {
            data.asFloatBuffer().put(values);
        } else {
            ShortBuffer halves = data.asShortBuffer();
            for (int i = 0; i < values.length; i++) {
                float v = values[i];
                short h = Half.fromFloat(v);
                if (Half.isInfinite(h) && Float.isFinite(v)) {
                    throw new IllegalArgumentException(file + ": the logit at row " + (from + i / classes)
                            + ", class " + (i % classes) + " is " + v + ", beyond float16's range (largest "
                            + Half.MAX_VALUE + "; from 65520 on it would be infinity); use precision FLOAT32");
                }
                halves.put(i, h);
            }
        }
        int crc = LogitCache.crc(data.duplicate());
        writeFully(data, layout.chunkOffset(chunk));
        channel.force(false);
        ByteBuffer entry = ByteBuffer.allocate(LogitCache.TABLE_ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        entry.putInt(crc).putInt(LogitCache.WRITTEN).flip();
        writeFully(entry, layout.tableOffset + (long) chunk * LogitCache.TABLE_ENTRY_BYTES);
        channel.force(false);
        writingNanos += System.nanoTime() - produced;
        bytesWritten += layout.chunkBytes(chunk);
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, p);
            if (n < 0) {
                throw new EOFException(file + ": the file ends at byte " + p + ", before the "
                        + buffer.remaining() + " more bytes expected there");
            }
            p += n;
        }
    }

    private void writeFully(ByteBuffer buffer, long position) throws IOException {
        long p = position;
        try {
            while (buffer.hasRemaining()) {
                p += channel.write(buffer, p);
            }
        } catch (IOException e) {
            throw AtomicFiles.naming(file, e); // "No space left on device" names no file
        }
    }

    private static String seconds(double s) {
        return String.format(java.util.Locale.ROOT, "%.1f", s);
    }
}
