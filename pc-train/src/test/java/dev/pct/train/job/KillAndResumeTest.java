package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.cli.PcTrainCli;
import dev.pct.train.testing.ForkedJvm;
import dev.pct.train.testing.RunFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job killed with SIGKILL while it writes (the teacher cache, a checkpoint, a sweep stage, the report) and
 * resumed each time ends with the same bytes as an uninterrupted run: parameters, logits, teacher caches and
 * flip files. Each kill comes at a moment chosen by what the run directory shows, plus a seeded random delay,
 * so the process dies part way through a write, not between them.
 */
class KillAndResumeTest {

    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final List<String> OVERRIDES = List.of("--set", "training.epochs=4", "--set",
            "training.checkpoint_every_epochs=1", "--set", "sweep=[{key: loss.lambda, values: [0.5, 1.0]}]");
    /** How long one forked run may take before the test gives up (the whole job takes about 10-30 s). */
    private static final long RUN_TIMEOUT_SECONDS = 240;

    @TempDir
    Path tmp;

    private record Moment(String what, Predicate<Path> reached) {}

    @Test
    void aJobKilledAtFourMomentsAndResumedEndsWithTheBytesOfAnUninterruptedRun() throws Exception {
        Path straight = tmp.resolve("straight");
        List<String> fresh = new ArrayList<>(List.of("train", SMOKE.toString(), "--run-dir", straight.toString()));
        fresh.addAll(OVERRIDES);
        assertEquals(0, PcTrainCli.execute(fresh.toArray(String[]::new)));

        Path killed = tmp.resolve("killed");
        List<Moment> moments = List.of(
                new Moment("writing the teacher cache", d -> Files.exists(d.resolve("old/teacher-train.logits"))),
                new Moment("after a checkpoint of the plain retrain",
                        d -> Files.exists(d.resolve("seed-1/baseline/checkpoints/epoch-0002.ckpt"))),
                new Moment("in the second sweep stage", d -> Files.isDirectory(d.resolve("seed-1/pc-lambda1.0"))),
                new Moment("writing the report", d -> Files.exists(d.resolve("seed-1/pc-lambda1.0/done"))));
        Random random = new Random(23);
        List<String> kills = new ArrayList<>();
        boolean started = false;
        for (Moment moment : moments) {
            Process job = start(killed, started);
            started = true;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
            while (job.isAlive() && !moment.reached().test(killed) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(random.nextInt(150));
            if (job.isAlive()) {
                job.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
                kills.add(moment.what());
            }
            job.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(kills.size() >= 3, "the job should have been killed at least three times, was at " + kills);

        Process last = start(killed, true);
        assertTrue(last.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the last resume did not finish");
        assertEquals(0, last.exitValue(), "the last resume failed (killed " + kills + ")");

        assertTrue(RunFiles.results(straight).keySet().stream().anyMatch(f -> f.endsWith("teacher-train.logits")));
        RunFiles.assertSameResults(straight, killed, "killed " + kills);
    }

    /** Starts the job in a JVM of its own: fresh the first time, then with --resume. */
    private static Process start(Path runDir, boolean resume) throws IOException {
        List<String> args = new ArrayList<>();
        if (resume) {
            args.addAll(List.of("train", "--resume", runDir.toString()));
        } else {
            args.addAll(List.of("train", SMOKE.toString(), "--run-dir", runDir.toString()));
            args.addAll(OVERRIDES);
        }
        return ForkedJvm.start(List.of("-Dai.djl.offline=true", "-Xmx512m"), PcTrainCli.class.getName(), args);
    }
}
