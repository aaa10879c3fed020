package dev.pct.train.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.testing.ForkedJvm;
import dev.pct.train.testing.HoldRunLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory's lock: one holder at a time, within a JVM and across processes, and none after a kill. */
class RunLockTest {

    @TempDir
    Path tmp;

    @Test
    void aSecondHolderInTheSameJvmIsRefusedUntilTheFirstReleases() throws IOException {
        Path run = tmp.resolve("run");
        try (RunLock first = RunLock.acquire(run)) {
            RunDirectoryLockedException refused = assertThrows(RunDirectoryLockedException.class,
                    () -> RunLock.acquire(run));
            assertEquals(run, refused.runDirectory());
            assertTrue(refused.getMessage().startsWith(run.toAbsolutePath() + ": "), refused.getMessage());
            assertTrue(refused.holder().startsWith("pid " + ProcessHandle.current().pid() + " on host "),
                    refused.holder());
            assertTrue(refused.getMessage().contains(refused.holder()), refused.getMessage());
        }
        // Released: the description is cleared and the next job takes the directory.
        assertEquals("", Files.readString(run.resolve(RunLock.FILE_NAME)));
        try (RunLock again = RunLock.acquire(run)) {
            assertTrue(Files.readString(run.resolve(RunLock.FILE_NAME)).startsWith("pid "));
        }
    }

    @Test
    void anotherProcessHoldsTheLockUntilItIsKilled() throws Exception {
        Path run = tmp.resolve("run");
        Path marker = tmp.resolve("holding");
        Process holder = ForkedJvm.start(HoldRunLock.class.getName(), List.of(run.toString(), marker.toString()));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(marker) && holder.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(marker), "the forked holder did not take the lock");
            RunDirectoryLockedException refused = assertThrows(RunDirectoryLockedException.class,
                    () -> RunLock.acquire(run));
            assertTrue(refused.holder().startsWith("pid " + holder.pid() + " on host "), refused.holder());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no finally in the holder runs
            holder.waitFor(60, TimeUnit.SECONDS);
        }
        // The operating system dropped the dead process's lock; its stale description does not matter.
        try (RunLock after = RunLock.acquire(run)) {
            assertTrue(Files.readString(run.resolve(RunLock.FILE_NAME))
                    .startsWith("pid " + ProcessHandle.current().pid() + " "));
        }
    }
}
