package dev.pct.train.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.teacher.LogitCache.Identity;
import dev.pct.train.teacher.LogitCache.Precision;
import dev.pct.train.testing.ForkedJvm;
import dev.pct.train.testing.HoldTeacherCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A teacher cache that one command wrote and several jobs read: {@link LogitCache#openShared} gives the writer's
 * rows to any number of readers, refuses a cache of another identity, an incomplete or a damaged one with the
 * reason, and the writer's exclusive lock and the readers' shared one keep each other out, in one process and
 * across processes.
 */
class SharedTeacherCacheTest {

    private static final int ROWS = 300;
    private static final int CLASSES = 7;
    private static final int CHUNK_ROWS = 64;

    @TempDir
    Path dir;

    private static Identity identity(String data, Precision precision) {
        return new Identity("old.pt sha256:0f3a", data, "normalize 0.5/0.25", ROWS, CLASSES, precision);
    }

    private static float[] values(long seed) {
        Random random = new Random(seed);
        float[] out = new float[ROWS * CLASSES];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (random.nextGaussian() * 5);
        }
        return out;
    }

    /** Writes a complete cache of {@link #values} as the teacher command does, and closes it. */
    private Path written(String name, Identity identity, float[] values) throws IOException {
        Path file = dir.resolve(name);
        try (LogitCache ignored = LogitCache.open(file, identity, CHUNK_ROWS,
                (from, to) -> Arrays.copyOfRange(values, from * CLASSES, to * CLASSES))) {
            return file;
        }
    }

    private static void assertRefused(IOException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should say '" + fragment + "'");
        }
    }

    @Test
    void readersGetTheWrittenRowsTogetherAndKeepTheWriterOutUntilTheLastCloses() throws IOException {
        float[] values = values(3);
        Identity identity = identity("train split: seed 1", Precision.FLOAT32);
        Path file = written("teacher-train.logits", identity, values);
        byte[] before = Files.readAllBytes(file);
        LogitCache first = LogitCache.openShared(file, identity);
        LogitCache second = LogitCache.openShared(file, identity);
        assertArrayEquals(values, first.readAll());
        assertArrayEquals(Arrays.copyOfRange(values, 5 * CLASSES, 6 * CLASSES), second.rows(new int[] {5}));
        assertEquals(0, first.report().chunksComputed());
        assertRefused(assertThrows(IOException.class, () -> LogitCache.open(file, identity, CHUNK_ROWS,
                (from, to) -> new float[(to - from) * CLASSES])), "already open in this process");
        first.close();
        assertRefused(assertThrows(IOException.class, () -> LogitCache.open(file, identity, CHUNK_ROWS,
                (from, to) -> new float[(to - from) * CLASSES])), "already open in this process");
        assertArrayEquals(values, second.readAll(), "the other reader still reads after the first closed");
        second.close();
        // The last reader released the lock: the writer opens, verifies and keeps every chunk.
        try (LogitCache writer = LogitCache.open(file, identity, CHUNK_ROWS, (from, to) -> {
            throw new IllegalStateException("nothing to compute");
        })) {
            assertEquals(0, writer.report().chunksComputed());
        }
        assertArrayEquals(before, Files.readAllBytes(file), "reading wrote nothing");
    }

    @Test
    void aCacheOfAnotherIdentityIsRefusedNamingWhatDiffers() throws IOException {
        Identity identity = identity("train split: seed 1", Precision.FLOAT32);
        Path file = written("teacher-train.logits", identity, values(4));
        assertRefused(assertThrows(IOException.class,
                        () -> LogitCache.openShared(file, identity("train split: seed 2", Precision.FLOAT32))),
                file.toString(), "refused", "data was \"train split: seed 1\", now \"train split: seed 2\"",
                "pc-train teacher");
        assertRefused(assertThrows(IOException.class,
                        () -> LogitCache.openShared(file, identity("train split: seed 1", Precision.FLOAT16))),
                "precision was FLOAT32, now FLOAT16");
        Identity otherModel = new Identity("other.pt sha256:77", identity.data(), identity.preprocessing(), ROWS,
                CLASSES, Precision.FLOAT32);
        assertRefused(assertThrows(IOException.class, () -> LogitCache.openShared(file, otherModel)),
                "oldModel was \"old.pt sha256:0f3a\", now \"other.pt sha256:77\"");
        assertRefused(assertThrows(IOException.class,
                () -> LogitCache.openShared(dir.resolve("none.logits"), identity)), "no teacher cache here");
    }

    @Test
    void anIncompleteOrDamagedCacheIsRefusedAndNotRepaired() throws IOException {
        float[] values = values(5);
        Identity identity = identity("train split: seed 1", Precision.FLOAT32);
        Path file = dir.resolve("teacher-train.logits");
        // A teacher command killed after two chunks: the producer fails on the third.
        List<Integer> produced = new ArrayList<>();
        assertThrows(IOException.class, () -> LogitCache.open(file, identity, CHUNK_ROWS, (from, to) -> {
            if (produced.size() == 2) {
                throw new IOException("killed");
            }
            produced.add(from);
            return Arrays.copyOfRange(values, from * CLASSES, to * CLASSES);
        }));
        byte[] partial = Files.readAllBytes(file);
        assertRefused(assertThrows(IOException.class, () -> LogitCache.openShared(file, identity)),
                "3 of 5 chunks not written", "run pc-train teacher again");
        assertArrayEquals(partial, Files.readAllBytes(file), "a refused cache is left as it was");

        Path complete = written("complete.logits", identity, values);
        long size = Files.size(complete);
        try (FileChannel channel = FileChannel.open(complete, StandardOpenOption.WRITE)) {
            // The last value of row 200 (chunk 3): the data region ends the file.
            long position = size - (long) (ROWS - 200) * CLASSES * 4 + (CLASSES - 1) * 4L;
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), position);
        }
        assertRefused(assertThrows(IOException.class, () -> LogitCache.openShared(complete, identity)),
                "chunks [3] fail their checksums");
    }

    @Test
    void readersInTwoProcessesShareTheCacheAndAWriterInAnotherKeepsThemOut() throws Exception {
        float[] values = values(6);
        Identity identity = identity("train split: seed 1", Precision.FLOAT16);
        Path file = written("teacher-train.logits", identity, values);
        Process reader = hold("read", file, identity, "reading");
        try {
            try (LogitCache here = LogitCache.openShared(file, identity)) {
                assertEquals(ROWS, here.readAll().length / CLASSES, "a second reader beside the other process");
            }
            assertRefused(assertThrows(IOException.class, () -> LogitCache.open(file, identity, CHUNK_ROWS,
                    (from, to) -> new float[(to - from) * CLASSES])), "locked by another process");
        } finally {
            reader.destroyForcibly();
            reader.waitFor(60, TimeUnit.SECONDS);
        }
        Process writer = hold("write", file, identity, "writing");
        try {
            assertRefused(assertThrows(IOException.class, () -> LogitCache.openShared(file, identity)),
                    "being written by another process");
        } finally {
            writer.destroyForcibly();
            writer.waitFor(60, TimeUnit.SECONDS);
        }
        try (LogitCache after = LogitCache.openShared(file, identity)) {
            assertEquals(ROWS, after.rows(), "the killed writer's lock went with it");
        }
    }

    /** Starts {@link HoldTeacherCache} and waits until it holds the file. */
    private Process hold(String mode, Path file, Identity identity, String marker) throws Exception {
        Path flag = dir.resolve(marker);
        Process process = ForkedJvm.start(HoldTeacherCache.class.getName(), List.of(mode, file.toString(),
                flag.toString(), identity.oldModel(), identity.data(), identity.preprocessing(),
                String.valueOf(identity.rows()), String.valueOf(identity.classes()), identity.precision().name(),
                String.valueOf(CHUNK_ROWS)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(flag) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(flag), "the forked " + mode + "r did not open the cache");
        return process;
    }
}
