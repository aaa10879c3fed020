package dev.pct.train.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.train.io.Half;
import dev.pct.train.teacher.LogitCache.Identity;
import dev.pct.train.teacher.LogitCache.Precision;
import dev.pct.train.teacher.LogitCache.Report;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogitCacheTest {

    @TempDir Path dir;

    /** Serves rows of a matrix drawn once from a seeded Random, and records every call. */
    private static final class Generator implements LogitCache.Producer {
        final float[] values;
        final int classes;
        final List<int[]> calls = Collections.synchronizedList(new ArrayList<>());

        Generator(long seed, int rows, int classes) {
            this.classes = classes;
            Random random = new Random(seed);
            values = new float[rows * classes];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 8);
            }
        }

        @Override
        public float[] rows(int from, int to) throws IOException {
            calls.add(new int[] {from, to});
            return Arrays.copyOfRange(values, from * classes, to * classes);
        }

        /**
         * The values as the cache should give them back at a precision: bit for bit (the comparisons are exact), as
         * float32 is stored as is and float16 through the same round-to-nearest-even conversion.
         */
        float[] expected(Precision precision) {
            if (precision == Precision.FLOAT32) {
                return values.clone();
            }
            float[] out = new float[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = Half.toFloat(Half.fromFloat(values[i]));
            }
            return out;
        }

        float[] expectedRow(Precision precision, int row) {
            return Arrays.copyOfRange(expected(precision), row * classes, (row + 1) * classes);
        }
    }

    private static Identity identity(int rows, int classes, Precision precision) {
        return new Identity("resnet18 sha256:ab12", "fashion-mnist train seed 7", "normalize 0.286/0.353", rows,
                classes, precision);
    }

    /** The ranges [from, to) of chunks first..last-1 for a given chunk size and row count. */
    private static List<String> chunkRanges(int first, int end, int chunkRows, int rows) {
        List<String> out = new ArrayList<>();
        for (int c = first; c < end; c++) {
            out.add(c * chunkRows + ".." + Math.min(rows, (c + 1) * chunkRows));
        }
        return out;
    }

    private static List<String> ranges(List<int[]> calls) {
        List<String> out = new ArrayList<>();
        for (int[] call : calls) {
            out.add(call[0] + ".." + call[1]);
        }
        return out;
    }

    private static void assertReadsEqual(float[] expected, LogitCache cache, long seed) {
        int classes = cache.classes();
        assertArrayEquals(expected, cache.readAll());
        Random random = new Random(seed);
        int[] indices = new int[3 * cache.rows()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(cache.rows());
        }
        float[] gathered = cache.rows(indices);
        float[] dst = new float[classes + 5];
        for (int i = 0; i < indices.length; i++) {
            float[] want = Arrays.copyOfRange(expected, indices[i] * classes, (indices[i] + 1) * classes);
            assertArrayEquals(want, Arrays.copyOfRange(gathered, i * classes, (i + 1) * classes),
                    "gathered row " + indices[i]);
            cache.row(indices[i], dst, 3);
            assertArrayEquals(want, Arrays.copyOfRange(dst, 3, 3 + classes), "row " + indices[i]);
        }
    }

    /** The last rows × classes × bytes of the file: the data region, which the layout puts at the end. */
    private static ByteBuffer dataRegion(Path file, int rows, int classes, Precision precision) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int dataBytes = rows * classes * precision.bytesPerValue();
        return ByteBuffer.wrap(bytes, bytes.length - dataBytes, dataBytes).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void writeAt(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), position);
        }
    }

    @Test
    void float32RoundTripIsExact() throws IOException {
        Generator gen = new Generator(1, 1000, 10);
        Path file = dir.resolve("logits.bin");
        try (LogitCache cache = LogitCache.open(file, identity(1000, 10, Precision.FLOAT32), 128, gen)) {
            assertEquals(1000, cache.rows());
            assertEquals(10, cache.classes());
            assertEquals(identity(1000, 10, Precision.FLOAT32), cache.identity());
            assertReadsEqual(gen.values, cache, 2);
            Report report = cache.report();
            assertEquals(8, report.chunks());
            assertEquals(0, report.chunksReused());
            assertEquals(8, report.chunksComputed());
            assertEquals(List.of("new file"), report.reasons());
            assertEquals(1000L * 10 * 4, report.bytesWritten());
            assertEquals(Files.size(file), report.fileBytes());
        }
        assertEquals(chunkRanges(0, 8, 128, 1000), ranges(gen.calls));
        // The data region holds the values as little-endian float32, row-major, and starts 4096-aligned.
        ByteBuffer data = dataRegion(file, 1000, 10, Precision.FLOAT32);
        for (int i = 0; i < gen.values.length; i++) {
            assertEquals(gen.values[i], data.getFloat(4 * i), "value " + i);
        }
        assertEquals(0, (Files.size(file) - data.capacity()) % 4096);
    }

    @Test
    void float16RoundTripGivesTheNearestHalves() throws IOException {
        Generator gen = new Generator(3, 300, 9);
        Path file = dir.resolve("logits16.bin");
        try (LogitCache cache = LogitCache.open(file, identity(300, 9, Precision.FLOAT16), 64, gen)) {
            assertReadsEqual(gen.expected(Precision.FLOAT16), cache, 4);
            assertEquals(300L * 9 * 2, cache.report().bytesWritten());
        }
        ByteBuffer data = dataRegion(file, 300, 9, Precision.FLOAT16);
        for (int i = 0; i < gen.values.length; i++) {
            assertEquals(Half.fromFloat(gen.values[i]), data.getShort(2 * i), "value " + i);
        }
    }

    @Test
    void layoutIsAsDocumented() throws IOException {
        int rows = 250;
        int classes = 6;
        int chunkRows = 40;
        Generator gen = new Generator(5, rows, classes);
        Path file = dir.resolve("layout.bin");
        LogitCache.open(file, identity(rows, classes, Precision.FLOAT32), chunkRows, gen).close();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(0, magic);
        assertEquals("PCTLOGC1", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt(8));
        int headerLength = b.getInt(12);
        byte[] json = new byte[headerLength];
        b.get(24, json);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(json);
        assertEquals((int) headerCrc.getValue(), b.getInt(16));
        JsonNode header = new ObjectMapper().readTree(json);
        assertEquals("resnet18 sha256:ab12", header.path("identity").path("oldModel").asText());
        assertEquals(rows, header.path("identity").path("rows").asInt());
        assertEquals("FLOAT32", header.path("identity").path("precision").asText());
        int chunkCount = (rows + chunkRows - 1) / chunkRows;
        assertEquals(chunkCount, header.path("chunkCount").asInt());
        long table = header.path("chunkTableOffset").asLong();
        long data = header.path("dataOffset").asLong();
        assertEquals((24 + headerLength + 7) / 8 * 8, table);
        assertEquals((table + 8L * chunkCount + 4095) / 4096 * 4096, data);
        assertEquals(data + (long) rows * classes * 4, b.capacity());
        for (int c = 0; c < chunkCount; c++) {
            int from = c * chunkRows * classes * 4;
            int to = Math.min(rows, (c + 1) * chunkRows) * classes * 4;
            CRC32C crc = new CRC32C();
            crc.update(b.array(), (int) data + from, to - from);
            assertEquals((int) crc.getValue(), b.getInt((int) table + 8 * c), "checksum of chunk " + c);
            assertEquals(1, b.getInt((int) table + 8 * c + 4), "written flag of chunk " + c);
        }
    }

    @Test
    void secondOpenReusesEveryChunk() throws IOException {
        Generator gen = new Generator(6, 500, 10);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, identity(500, 10, Precision.FLOAT32), 100, gen).close();
        byte[] before = Files.readAllBytes(file);
        Generator again = new Generator(6, 500, 10);
        try (LogitCache cache = LogitCache.open(file, identity(500, 10, Precision.FLOAT32), 100, again)) {
            assertEquals(0, again.calls.size());
            Report report = cache.report();
            assertEquals(5, report.chunksReused());
            assertEquals(0, report.chunksComputed());
            assertEquals(List.of(), report.reasons());
            assertEquals(0, report.bytesWritten());
            assertReadsEqual(gen.values, cache, 7);
        }
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"oldModel", "data", "preprocessing", "precision", "rows", "classes"})
    void anotherIdentityRecomputesEverything(String field) throws IOException {
        Identity first = identity(400, 10, Precision.FLOAT32);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, first, 100, new Generator(8, 400, 10)).close();
        Identity second = switch (field) {
            case "oldModel" -> new Identity("resnet50 sha256:cd34", first.data(), first.preprocessing(), 400, 10,
                    Precision.FLOAT32);
            case "data" -> new Identity(first.oldModel(), "fashion-mnist train seed 8", first.preprocessing(), 400,
                    10, Precision.FLOAT32);
            case "preprocessing" -> new Identity(first.oldModel(), first.data(), "none", 400, 10,
                    Precision.FLOAT32);
            case "precision" -> identity(400, 10, Precision.FLOAT16);
            case "rows" -> identity(350, 10, Precision.FLOAT32);
            case "classes" -> identity(400, 11, Precision.FLOAT32);
            default -> throw new AssertionError(field);
        };
        Generator gen = new Generator(9, second.rows(), second.classes());
        try (LogitCache cache = LogitCache.open(file, second, 100, gen)) {
            int chunks = (second.rows() + 99) / 100;
            assertEquals(chunks, gen.calls.size());
            assertEquals(0, cache.report().chunksReused());
            assertEquals(chunks, cache.report().chunksComputed());
            assertEquals(1, cache.report().reasons().size());
            String reason = cache.report().reasons().get(0);
            assertTrue(reason.startsWith("identity differs: " + field + " was "), reason);
            assertEquals(1, reason.split(" was ").length - 1, "only the changed field is named: " + reason);
            assertReadsEqual(gen.expected(second.precision()), cache, 10);
        }
        switch (field) {
            case "oldModel" -> assertReason(file, first,
                    "oldModel was \"resnet50 sha256:cd34\", now \"resnet18 sha256:ab12\"");
            case "precision" -> assertReason(file, first, "precision was FLOAT16, now FLOAT32");
            case "rows" -> assertReason(file, first, "rows was 350, now 400");
            default -> { }
        }
    }

    /** Opens with {@code identity} (file last written with another) and checks the reason names both values. */
    private static void assertReason(Path file, Identity identity, String expected) throws IOException {
        try (LogitCache cache = LogitCache.open(file, identity, 100,
                new Generator(1, identity.rows(), identity.classes()))) {
            assertEquals(List.of("identity differs: " + expected), cache.report().reasons());
        }
    }

    @Test
    void otherChunkRowsRecomputeEverything() throws IOException {
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, identity(200, 4, Precision.FLOAT32), 50, new Generator(1, 200, 4)).close();
        Generator gen = new Generator(1, 200, 4);
        try (LogitCache cache = LogitCache.open(file, identity(200, 4, Precision.FLOAT32), 40, gen)) {
            assertEquals(List.of("chunk rows differ: was 50, now 40"), cache.report().reasons());
            assertEquals(chunkRanges(0, 5, 40, 200), ranges(gen.calls));
            assertReadsEqual(gen.values, cache, 1);
        }
    }

    @Test
    void truncatedFileRecomputesOnlyTheChunksPastTheCut() throws IOException {
        int rows = 640;
        int classes = 10;
        int chunkRows = 64;
        int chunkBytes = chunkRows * classes * 4;
        Identity id = identity(rows, classes, Precision.FLOAT32);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, id, chunkRows, new Generator(11, rows, classes)).close();
        byte[] complete = Files.readAllBytes(file);
        // Cut in the middle of chunk 7: chunks 7, 8 and 9 lose data, 0 to 6 stay whole.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(complete.length - 5L * chunkBytes / 2);
        }
        Generator gen = new Generator(11, rows, classes);
        try (LogitCache cache = LogitCache.open(file, id, chunkRows, gen)) {
            assertEquals(chunkRanges(7, 10, chunkRows, rows), ranges(gen.calls));
            assertEquals(7, cache.report().chunksReused());
            assertEquals(3, cache.report().chunksComputed());
            assertTrue(cache.report().reasons().get(0).startsWith("truncated"), cache.report().reasons().toString());
            assertReadsEqual(gen.values, cache, 12);
        }
        assertArrayEquals(complete, Files.readAllBytes(file));
    }

    @Test
    void fileCutInsideTheChunkTableRecomputesEveryChunk() throws IOException {
        Identity id = identity(100, 3, Precision.FLOAT32);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, id, 10, new Generator(13, 100, 3)).close();
        byte[] complete = Files.readAllBytes(file);
        JsonNode header = new ObjectMapper().readTree(Arrays.copyOfRange(complete, 24,
                24 + ByteBuffer.wrap(complete).order(ByteOrder.LITTLE_ENDIAN).getInt(12)));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(header.path("chunkTableOffset").asLong() + 8 * 3 + 4);
        }
        Generator gen = new Generator(13, 100, 3);
        try (LogitCache cache = LogitCache.open(file, id, 10, gen)) {
            assertEquals(chunkRanges(0, 10, 10, 100), ranges(gen.calls));
            assertReadsEqual(gen.values, cache, 14);
        }
        assertArrayEquals(complete, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void aFlippedByteRecomputesExactlyItsChunk(Precision precision) throws IOException {
        int rows = 640;
        int classes = 10;
        int chunkRows = 64;
        int chunkBytes = chunkRows * classes * precision.bytesPerValue();
        Identity id = identity(rows, classes, precision);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, id, chunkRows, new Generator(15, rows, classes)).close();
        byte[] complete = Files.readAllBytes(file);
        long position = complete.length - (long) rows * classes * precision.bytesPerValue() + 4L * chunkBytes + 17;
        writeAt(file, position, new byte[] {(byte) ~complete[(int) position]});
        Generator gen = new Generator(15, rows, classes);
        try (LogitCache cache = LogitCache.open(file, id, chunkRows, gen)) {
            assertEquals(chunkRanges(4, 5, chunkRows, rows), ranges(gen.calls));
            assertEquals(List.of("chunk 4 checksum mismatch"), cache.report().reasons());
            assertEquals(9, cache.report().chunksReused());
            assertReadsEqual(gen.expected(precision), cache, 16);
        }
        assertArrayEquals(complete, Files.readAllBytes(file));
    }

    @Test
    void aKilledRunResumesWithTheMissingChunksAndEndsAsAnUninterruptedOne() throws IOException {
        int rows = 600;
        int classes = 7;
        int chunkRows = 60;
        Identity id = identity(rows, classes, Precision.FLOAT16);
        Path uninterrupted = dir.resolve("uninterrupted.bin");
        LogitCache.open(uninterrupted, id, chunkRows, new Generator(17, rows, classes)).close();

        Path file = dir.resolve("killed.bin");
        Generator good = new Generator(17, rows, classes);
        IOException kill = new IOException("simulated kill");
        int[] calls = {0};
        IOException thrown = assertThrows(IOException.class, () -> LogitCache.open(file, id, chunkRows, (from, to) -> {
            if (calls[0]++ == 4) {
                throw kill;
            }
            return good.rows(from, to);
        }));
        assertSame(kill, thrown);

        Generator resume = new Generator(17, rows, classes);
        try (LogitCache cache = LogitCache.open(file, id, chunkRows, resume)) {
            assertEquals(chunkRanges(4, 10, chunkRows, rows), ranges(resume.calls));
            assertEquals(4, cache.report().chunksReused());
            assertEquals(6, cache.report().chunksComputed());
            assertEquals(List.of("resumed: 6 of 10 chunks not written yet"), cache.report().reasons());
            assertReadsEqual(resume.expected(Precision.FLOAT16), cache, 18);
        }
        assertArrayEquals(Files.readAllBytes(uninterrupted), Files.readAllBytes(file));
    }

    @Test
    void aRunKilledAfterTheIdentityChangedNeverReusesTheOldIdentitysChunks() throws IOException {
        Identity oldIdentity = identity(300, 6, Precision.FLOAT32);
        Identity newIdentity = new Identity("resnet50 sha256:cd34", oldIdentity.data(), oldIdentity.preprocessing(),
                300, 6, Precision.FLOAT32);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, oldIdentity, 50, new Generator(33, 300, 6)).close();
        Generator newValues = new Generator(34, 300, 6);
        IOException kill = new IOException("simulated kill");
        assertSame(kill, assertThrows(IOException.class, () -> LogitCache.open(file, newIdentity, 50, (from, to) -> {
            if (from >= 100) {
                throw kill;
            }
            return newValues.rows(from, to);
        })));
        Generator resume = new Generator(34, 300, 6);
        try (LogitCache cache = LogitCache.open(file, newIdentity, 50, resume)) {
            assertEquals(chunkRanges(2, 6, 50, 300), ranges(resume.calls));
            assertReadsEqual(resume.values, cache, 35);
        }
    }

    @Test
    void aKillBetweenDataAndTableEntryRecomputesThatChunk() throws IOException {
        Identity id = identity(100, 5, Precision.FLOAT32);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, id, 20, new Generator(19, 100, 5)).close();
        byte[] complete = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(complete).order(ByteOrder.LITTLE_ENDIAN);
        JsonNode header = new ObjectMapper().readTree(Arrays.copyOfRange(complete, 24, 24 + b.getInt(12)));
        // Chunk 2's data is on disk but its entry was never written.
        writeAt(file, header.path("chunkTableOffset").asLong() + 8 * 2, new byte[8]);
        Generator gen = new Generator(19, 100, 5);
        try (LogitCache cache = LogitCache.open(file, id, 20, gen)) {
            assertEquals(chunkRanges(2, 3, 20, 100), ranges(gen.calls));
            assertReadsEqual(gen.values, cache, 20);
        }
        assertArrayEquals(complete, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "tiny", "garbage", "magic only", "header byte", "version", "json"})
    void anUnusableHeaderRecomputesEverything(String damage) throws IOException {
        Identity id = identity(120, 4, Precision.FLOAT32);
        Path file = dir.resolve("logits.bin");
        LogitCache.open(file, id, 50, new Generator(21, 120, 4)).close();
        byte[] complete = Files.readAllBytes(file);
        Random random = new Random(22);
        byte[] garbage = new byte[5000];
        random.nextBytes(garbage);
        String expectedReason;
        switch (damage) {
            case "empty" -> {
                Files.write(file, new byte[0]);
                expectedReason = "empty file";
            }
            case "tiny" -> {
                Files.write(file, Arrays.copyOf(complete, 20));
                expectedReason = "header truncated";
            }
            case "garbage" -> {
                Files.write(file, garbage);
                expectedReason = "not a logit cache";
            }
            case "magic only" -> {
                Files.write(file, Arrays.copyOf(complete, 30));
                expectedReason = "header truncated";
            }
            case "header byte" -> {
                writeAt(file, 40, new byte[] {(byte) ~complete[40]});
                expectedReason = "unreadable header: header checksum mismatch";
            }
            case "version" -> {
                writeAt(file, 8, new byte[] {2});
                expectedReason = "format version 2";
            }
            case "json" -> {
                // Well-framed, correctly checksummed, but not JSON.
                byte[] json = "{not json".getBytes(StandardCharsets.UTF_8);
                CRC32C crc = new CRC32C();
                crc.update(json);
                ByteBuffer head = ByteBuffer.allocate(24 + json.length).order(ByteOrder.LITTLE_ENDIAN);
                head.put("PCTLOGC1".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(json.length)
                        .putInt((int) crc.getValue()).putInt(0).put(json);
                writeAt(file, 0, head.array());
                expectedReason = "unreadable header";
            }
            default -> throw new AssertionError(damage);
        }
        Generator gen = new Generator(21, 120, 4);
        try (LogitCache cache = LogitCache.open(file, id, 50, gen)) {
            assertEquals(chunkRanges(0, 3, 50, 120), ranges(gen.calls));
            assertEquals(1, cache.report().reasons().size());
            assertTrue(cache.report().reasons().get(0).startsWith(expectedReason), cache.report().reasons().toString());
            assertReadsEqual(gen.values, cache, 23);
        }
        assertArrayEquals(complete, Files.readAllBytes(file));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void manySmallSegmentsReadLikeOne(Precision precision) throws IOException {
        int rows = 53;
        int classes = 7;
        int rowBytes = classes * precision.bytesPerValue();
        long segmentBytes = 3L * rowBytes + 5; // not a whole number of rows: 3 rows a segment
        Generator gen = new Generator(25, rows, classes);
        Path file = dir.resolve("logits.bin");
        try (LogitCache cache = LogitCache.open(file, identity(rows, classes, precision), 10, gen, segmentBytes)) {
            assertEquals((rows + 2) / 3, cache.segmentCount());
            assertReadsEqual(gen.expected(precision), cache, 26);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogitCache.open(file,
                identity(rows, classes, precision), 10, gen, rowBytes - 1));
        assertTrue(e.getMessage().contains("segment size"), e.getMessage());
    }

    @Test
    void aLogitBeyondFloat16IsRefusedNamingRowAndValue() throws IOException {
        Path file = dir.resolve("logits.bin");
        Generator gen = new Generator(27, 100, 5);
        gen.values[37 * 5 + 3] = 70000f;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogitCache.open(file, identity(100, 5, Precision.FLOAT16), 32, gen));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("row 37, class 3"), e.getMessage());
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
        assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());

        // The overflow threshold is 65520: just below it rounds to 65504, at it to infinity.
        gen.values[37 * 5 + 3] = -65519.996f;
        try (LogitCache cache = LogitCache.open(file, identity(100, 5, Precision.FLOAT16), 32, gen)) {
            assertEquals(-65504f, cache.rows(new int[] {37})[3]);
        }
        gen.values[37 * 5 + 3] = -65520f;
        Path other = dir.resolve("other.bin");
        e = assertThrows(IllegalArgumentException.class,
                () -> LogitCache.open(other, identity(100, 5, Precision.FLOAT16), 32, gen));
        assertTrue(e.getMessage().contains("-65520"), e.getMessage());
        // float32 keeps it.
        try (LogitCache cache = LogitCache.open(other, identity(100, 5, Precision.FLOAT32), 32, gen)) {
            assertEquals(-65520f, cache.rows(new int[] {37})[3]);
        }
    }

    @Test
    void concurrentReadersSeeTheRightRows() throws Exception {
        int rows = 2000;
        int classes = 13;
        Generator gen = new Generator(29, rows, classes);
        Path file = dir.resolve("logits.bin");
        float[] expected = gen.expected(Precision.FLOAT16);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (LogitCache cache = LogitCache.open(file, identity(rows, classes, Precision.FLOAT16), 256, gen,
                100L * classes * 2)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = 30 + t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    float[] dst = new float[classes];
                    int checked = 0;
                    for (int batch = 0; batch < 300; batch++) {
                        int[] indices = random.ints(32, 0, rows).toArray();
                        float[] got = cache.rows(indices);
                        for (int i = 0; i < indices.length; i++) {
                            int r = indices[i];
                            float[] want = Arrays.copyOfRange(expected, r * classes, (r + 1) * classes);
                            assertArrayEquals(want, Arrays.copyOfRange(got, i * classes, (i + 1) * classes));
                            cache.row(r, dst, 0);
                            assertArrayEquals(want, dst);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(300 * 32, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aProducerWithTheWrongCountIsAnError() {
        Path file = dir.resolve("logits.bin");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LogitCache.open(file,
                identity(100, 5, Precision.FLOAT32), 30, (from, to) -> new float[(to - from) * 5 - 1]));
        assertTrue(e.getMessage().contains("149 values for rows [0, 30), expected 30 rows × 5 classes = 150"),
                e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> LogitCache.open(file,
                identity(100, 5, Precision.FLOAT32), 30, (from, to) -> null));
        assertTrue(e.getMessage().contains("null for rows [0, 30)"), e.getMessage());
    }

    @Test
    void argumentsAndReadsAreChecked() throws IOException {
        Path file = dir.resolve("logits.bin");
        Generator gen = new Generator(31, 10, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogitCache.open(file, identity(10, 3, Precision.FLOAT32), 0, gen));
        assertTrue(e.getMessage().contains("chunk rows must be at least 1, was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> identity(0, 3, Precision.FLOAT32));
        assertTrue(e.getMessage().contains("rows must be at least 1, was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> identity(10, -1, Precision.FLOAT32));
        assertTrue(e.getMessage().contains("classes must be at least 1, was -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LogitCache.open(file, identity(2000, 1 << 20, Precision.FLOAT32), 1 << 10, gen));
        assertTrue(e.getMessage().contains("use at most 511 chunk rows"), e.getMessage());

        LogitCache cache = LogitCache.open(file, identity(10, 3, Precision.FLOAT32), 4, gen);
        IndexOutOfBoundsException out = assertThrows(IndexOutOfBoundsException.class,
                () -> cache.row(10, new float[3], 0));
        assertTrue(out.getMessage().contains("row 10 is outside [0, 10)"), out.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> cache.rows(new int[] {1, -1}));
        assertThrows(IndexOutOfBoundsException.class, () -> cache.row(1, new float[4], 2));
        IOException locked = assertThrows(IOException.class,
                () -> LogitCache.open(file, identity(10, 3, Precision.FLOAT32), 4, gen));
        assertTrue(locked.getMessage().contains(file.toString()) && locked.getMessage().contains("already open"),
                locked.getMessage());
        cache.close();
        cache.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, cache::readAll);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
}
