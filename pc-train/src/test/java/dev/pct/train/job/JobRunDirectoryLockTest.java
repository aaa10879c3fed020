package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.io.RunLock;
import dev.pct.train.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two jobs on one run directory: the second is refused before it writes, and runs once the first is gone. */
class JobRunDirectoryLockTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");

    @TempDir
    Path tmp;

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aJobOnALockedRunDirectoryIsRefusedAndRunsAfterRelease() throws IOException {
        Path run = tmp.resolve("run");
        try (RunLock other = RunLock.acquire(run)) {
            CliRun.Result refused = CliRun.run("train", SMOKE.toString(), "--run-dir", run.toString(),
                    "--set", "training.epochs=1");
            assertEquals(1, refused.status(), refused.err());
            assertTrue(refused.err().contains(run.toAbsolutePath() + ": this run directory is in use by another job"
                    + " (pid " + ProcessHandle.current().pid() + " on host "), refused.err());
            // Nothing of the refused job's: not its config, provenance, log or results.
            assertEquals(List.of(RunLock.FILE_NAME), files(run));
        }
        CliRun.Result ran = CliRun.run("train", SMOKE.toString(), "--run-dir", run.toString(),
                "--set", "training.epochs=1");
        assertEquals(0, ran.status(), ran.err());
        for (String f : List.of("config.yaml", "run-info.json", "metrics.json", "report.md")) {
            assertTrue(Files.exists(run.resolve(f)), "missing " + f);
        }
        // The finished job released the directory and left no holder behind.
        assertEquals("", Files.readString(run.resolve(RunLock.FILE_NAME)));
        RunLock.acquire(run).close();
    }
}
