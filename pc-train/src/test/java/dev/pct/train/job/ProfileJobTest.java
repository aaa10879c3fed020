package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.train.cli.PcTrainCli;
import dev.pct.train.data.PcData;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.RunFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --profile-epoch N} on the smoke job: a profile per stage, of exactly that epoch, and no other change. */
class ProfileJobTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final int BATCH = 32;

    @TempDir
    Path tmp;

    /** Top-level calls of an operator in a trace: events of that name (these operators are never nested). */
    private static long calls(JsonNode trace, String name) {
        long n = 0;
        for (JsonNode e : trace) {
            n += name.equals(e.path("name").asText()) ? 1 : 0;
        }
        return n;
    }

    private static long batches(int samples) {
        return (samples + BATCH - 1) / BATCH;
    }

    @Test
    void aProfiledEpochSaysWhereItsTimeWentAndChangesNoResult() throws IOException {
        Path plain = tmp.resolve("plain");
        assertEquals(0, PcTrainCli.execute("train", SMOKE.toString(), "--run-dir", plain.toString()));
        Path profiled = tmp.resolve("profiled");
        assertEquals(0, PcTrainCli.execute("train", SMOKE.toString(), "--run-dir", profiled.toString(),
                "--profile-epoch", "2"));
        // Profiling reads; it trains and scores the same bits.
        RunFiles.assertSameResults(plain, profiled, "profiled epoch 2");

        PcData data = JobData.load(dev.pct.train.config.JobConfigLoader.load(SMOKE).data(), 1, null).data();
        int train = data.train().size();
        // The smoke job's batch of 32; a last batch of one sample is dropped, a larger one is a step.
        long steps = train / BATCH + (train % BATCH >= 2 ? 1 : 0);
        for (Path stage : List.of(Path.of("old"), Path.of("seed-1", "baseline"), Path.of("seed-1", "pc"))) {
            Path dir = profiled.resolve(stage);
            assertTrue(Files.exists(dir.resolve("profile-epoch-2.md")), stage + ": no profile");
            assertFalse(Files.exists(dir.resolve("profile-epoch-1.md")) || Files.exists(dir.resolve(
                    "profile-epoch-3.md")) || Files.exists(dir.resolve("profile-epoch-2.trace.json")), stage.toString());
            assertFalse(Files.exists(plain.resolve(stage).resolve("profile-epoch-2.md")), stage.toString());
        }
        Path pc = profiled.resolve("seed-1/pc");
        JsonNode trace;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(pc.resolve("profile-epoch-2.trace.json.gz")))) {
            trace = new ObjectMapper().readTree(in);
        }
        // Exactly the epoch and its evaluation: the CNN's one convolution runs forward once per training step and
        // per evaluation batch (validation and test), backward once per training step.
        assertEquals(steps, calls(trace, "aten::convolution_backward"));
        assertEquals(steps + batches(data.validation().size()) + batches(data.test().size()),
                calls(trace, "aten::conv2d"));

        String md = Files.readString(pc.resolve("profile-epoch-2.md"));
        for (String phase : List.of("| data |", "| forward |", "| loss |", "| backward |", "| metrics |",
                "| optimizer |", "| host reads |", "| other |", "| **training** |", "| evaluation (after the epoch) |")) {
            assertTrue(md.contains(phase), phase + " missing:\n" + md);
        }
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%,d samples in %d steps", train, steps)), md);
        // Phases from the trace's own markers, and the training operators without the evaluation's.
        assertFalse(md.contains("placed in phases by time"), md);
        assertTrue(md.contains("| `aten::conv2d` | " + steps + " |") && md.contains("| `aten::convolution_backward` | "
                + steps + " |"), md);
        // The smoke CNN by hand: conv 1->8 3x3 at 8x8, dense 128->16 and 16->4: 13,440 operations per sample.
        assertTrue(md.contains("Forward pass: 0.01344 MFLOP per sample"), md);
        assertTrue(md.contains("the unprofiled epoch before took"), md);
    }

    @Test
    void aNegativeEpochIsRefused() {
        CliRun.Result result = CliRun.run("train", SMOKE.toString(), "--run-dir", tmp.resolve("r").toString(),
                "--profile-epoch", "-1");
        assertEquals(1, result.status());
        assertTrue(result.err().contains("--profile-epoch") && result.err().contains("-1"), result.err());
        assertFalse(Files.exists(tmp.resolve("r")));
    }
}
