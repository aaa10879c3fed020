package dev.pct.train.testing;

import dev.pct.train.teacher.LogitCache;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for another process using a teacher cache: opens it as a shared reader ({@code read}) or as its
 * writer ({@code write}: an open of the complete file, which verifies it under the writer's exclusive lock), says
 * so by creating a marker file, and holds it until it is killed.
 */
public final class HoldTeacherCache {

    private HoldTeacherCache() {}

    /**
     * Holds {@code args[1]} as {@code args[0]} ({@code read} or {@code write}), creates the marker {@code args[2]},
     * then sleeps; {@code args[3..8]} are the identity (old model, data, preprocessing, rows, classes, precision) and
     * {@code args[9]} the file's chunk rows.
     *
     * @param args mode, cache file, marker file, identity, chunk rows
     * @throws Exception if the cache cannot be opened
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        LogitCache.Identity identity = new LogitCache.Identity(args[3], args[4], args[5], Integer.parseInt(args[6]),
                Integer.parseInt(args[7]), LogitCache.Precision.valueOf(args[8]));
        LogitCache cache = args[0].equals("read")
                ? LogitCache.openShared(file, identity)
                : LogitCache.open(file, identity, Integer.parseInt(args[9]), (from, to) -> {
                    throw new IllegalStateException("the file is complete: nothing to compute");
                });
        Files.createFile(Path.of(args[2]));
        Thread.sleep(Long.MAX_VALUE);
        cache.close(); // not reached: the test kills this process, which is what releases the lock
    }
}
