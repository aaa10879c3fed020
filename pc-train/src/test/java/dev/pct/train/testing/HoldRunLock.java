package dev.pct.train.testing;

import dev.pct.train.io.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a running job in another process: takes a run directory's lock, says so by creating a marker
 * file, and holds the lock until it is killed.
 */
public final class HoldRunLock {

    private HoldRunLock() {}

    /**
     * Holds the lock of {@code args[0]}, then creates the marker file {@code args[1]}, then sleeps.
     *
     * @param args the run directory and the marker file
     * @throws Exception if the lock cannot be taken
     */
    public static void main(String[] args) throws Exception {
        RunLock lock = RunLock.acquire(Path.of(args[0]));
        Files.createFile(Path.of(args[1]));
        Thread.sleep(Long.MAX_VALUE);
        lock.close(); // not reached: the test kills this process, which is what releases the lock
    }
}
