package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.cli.PcTrainCli;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.io.Logits;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint selection and the trade-off sweep, end to end on the synthetic smoke job. */
class SelectionJobTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");

    @TempDir
    Path tmp;

    /** history.csv rows of one model: {epoch, validation error, validation NFR, test error}. */
    private static List<double[]> history(Path run, String model) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("history.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int epoch = header.indexOf("epoch");
        int validationError = header.indexOf("validation_error");
        int validationNfr = header.indexOf("validation_negative_flip_rate");
        int testError = header.indexOf("test_error");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[0].equals(model)) {
                rows.add(new double[] {Double.parseDouble(f[epoch]), Double.parseDouble(f[validationError]),
                    f[validationNfr].isEmpty() ? Double.NaN : Double.parseDouble(f[validationNfr]),
                    Double.parseDouble(f[testError])});
            }
        }
        return rows;
    }

    private static double testError(Path logits, int[] labels) throws IOException {
        int[] predictions = FlipAccumulator.argmax(Logits.read(logits, labels.length, 4), 4);
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            wrong += predictions[i] != labels[i] ? 1 : 0;
        }
        return (double) wrong / labels.length;
    }

    @Test
    void eachModelKeepsItsLowestValidationErrorEpochAndReportsItsTestFigures() throws IOException {
        JobConfig config = JobConfigLoader.load(SMOKE, List.of("training.epochs=6", "selection.rule=lowest_error"));
        Path run = tmp.resolve("run");
        PcJob.run(config, run);
        int[] labels = JobData.load(config.data(), 1, null).data().test().labels();
        for (String model : List.of("baseline", "pc")) {
            List<double[]> rows = history(run, model);
            assertEquals(6, rows.size());
            double[] best = rows.get(0);
            for (double[] r : rows) {
                if (r[1] < best[1]) {
                    best = r;
                }
            }
            Path stage = run.resolve("seed-1").resolve(model);
            String selection = Files.readString(stage.resolve("selection.json"));
            assertTrue(selection.contains("\"epoch\" : " + (int) best[0]), model + ": " + selection);
            // The kept model's test logits, scored here, give the test error logged at that epoch.
            // The same count over the same total in double, logged through Double.toString (which round-trips):
            // equal in practice; 1e-12 only absorbs the last bit.
            assertEquals(best[3], testError(stage.resolve("logits-test.bin"), labels), 1e-12, model);
            if (best[0] != 6) {
                assertArrayEquals(Files.readAllBytes(stage.resolve("selected.params")),
                        Files.readAllBytes(stage.resolve("final.params")), model + ": final = kept epoch");
            }
        }
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("## Selection") && report.contains("lowest validation error"), report);
    }

    @Test
    void aKilledSweepResumesToTheSameModelsAndReportsTheChosenSetting() throws IOException {
        List<String> overrides = List.of("training.epochs=4", "training.checkpoint_every_epochs=1",
                "selection.rule=lowest_nfr", "selection.error_margin=0.05", "selection.patience=2");
        Path job = tmp.resolve("sweep.yaml");
        Files.writeString(job, Files.readString(SMOKE) + """
                sweep:
                  - {key: loss.tau, values: [1, 2]}
                  - {key: loss.alpha, values: [0, 1]}
                """);
        JobConfig config = JobConfigLoader.load(job, overrides);
        Path straight = tmp.resolve("straight");
        PcJob.run(config, straight);
        List<String> settings = List.of("pc-tau1-alpha0", "pc-tau1-alpha1", "pc-tau2-alpha0", "pc-tau2-alpha1");
        for (String setting : settings) {
            assertTrue(Files.exists(straight.resolve("seed-1").resolve(setting).resolve("done")), setting);
        }
        String report = Files.readString(straight.resolve("report.md"));
        assertTrue(report.contains("## Sweep") && report.contains("Chosen on validation: **pc-tau"), report);

        // Kill during the third setting: its outputs and last checkpoint gone, the fourth never started.
        Path crashed = tmp.resolve("crashed");
        Trees.copy(straight, crashed);
        Path third = crashed.resolve("seed-1/pc-tau2-alpha0");
        for (String f : List.of("done", "final.params", "logits-test.bin", "selection.json")) {
            Files.delete(third.resolve(f));
        }
        try (Stream<Path> checkpoints = Files.list(third.resolve("checkpoints"))) {
            Path newest = checkpoints.max(Path::compareTo).orElseThrow();
            Files.delete(newest);
        }
        Trees.delete(crashed.resolve("seed-1/pc-tau2-alpha1"));
        Files.delete(crashed.resolve("report.md"));
        // The report command trains nothing: on an unfinished run it names the stage and writes no report.
        CliRun.Result refused = CliRun.run("report", crashed.toString());
        assertEquals(1, refused.status(), refused.err());
        assertTrue(refused.err().contains(third + ": pc-tau2-alpha0 seed 1 has not finished"), refused.err());
        assertFalse(Files.exists(crashed.resolve("report.md")));

        assertEquals(0, PcTrainCli.execute("train", "--resume", crashed.toString()));
        for (String setting : settings) {
            Path logits = Path.of("seed-1", setting, "logits-test.bin");
            assertArrayEquals(Logits.read(straight.resolve(logits), 256, 4), Logits.read(crashed.resolve(logits), 256,
                    4), 0f, setting + " after resume");
        }
        String resumed = Files.readString(crashed.resolve("report.md"));
        String chosen = report.substring(report.indexOf("Chosen on validation"));
        assertEquals(chosen.substring(0, chosen.indexOf('\n')),
                resumed.substring(resumed.indexOf("Chosen on validation")).split("\n")[0]);

        // The report command on the finished sweep writes both reports as the job did, byte for byte.
        byte[] markdown = Files.readAllBytes(straight.resolve("report.md"));
        byte[] html = Files.readAllBytes(straight.resolve("report.html"));
        Files.delete(straight.resolve("report.html"));
        assertEquals(0, CliRun.run("report", straight.toString()).status());
        assertArrayEquals(markdown, Files.readAllBytes(straight.resolve("report.md")));
        assertArrayEquals(html, Files.readAllBytes(straight.resolve("report.html")));
    }

}
