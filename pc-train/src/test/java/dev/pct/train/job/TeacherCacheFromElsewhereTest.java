package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A teacher cache copied into a run directory from a run on other data is not trusted: the job recomputes it,
 * says why in its log, and ends with the cache a clean run writes.
 */
class TeacherCacheFromElsewhereTest {

    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final String CACHE = "old/teacher-train.logits";

    @TempDir
    Path tmp;

    @Test
    void aCacheFromARunOnOtherDataIsRecomputedWithTheReasonLogged() throws Exception {
        Path other = tmp.resolve("other");
        assertEquals(0, CliRun.run("train", SMOKE.toString(), "--run-dir", other.toString(),
                "--set", "data.synthetic.noise=0.5").status());
        Path clean = tmp.resolve("clean");
        assertEquals(0, CliRun.run("train", SMOKE.toString(), "--run-dir", clean.toString()).status());
        byte[] foreign = Files.readAllBytes(other.resolve(CACHE));
        assertFalse(Arrays.equals(foreign, Files.readAllBytes(clean.resolve(CACHE))), "the two caches differ");

        Path copied = tmp.resolve("copied");
        Files.createDirectories(copied.resolve("old"));
        Files.write(copied.resolve(CACHE), foreign);
        assertEquals(0, CliRun.run("train", SMOKE.toString(), "--run-dir", copied.toString()).status());

        String log = Files.readString(copied.resolve("train.log"));
        assertTrue(log.contains(CACHE) && log.contains("identity differs") && log.contains("recomputing all"),
                "the log says the cache was recomputed and why:\n" + log);
        assertArrayEquals(Files.readAllBytes(clean.resolve(CACHE)), Files.readAllBytes(copied.resolve(CACHE)));
    }
}
