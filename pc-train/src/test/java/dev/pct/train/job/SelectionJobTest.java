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

    /**
     * history.csv rows of one model: {epoch, validation error, validation NFR, test error, test NFR, evaluation
     * share}, NaN where the cell is empty.
     */
    private static List<double[]> history(Path run, String model) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("history.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        List<Integer> columns = Stream.of("epoch", "validation_error", "validation_negative_flip_rate", "test_error",
                "test_negative_flip_rate", "evaluation_share").map(header::indexOf).toList();
        assertTrue(!columns.contains(-1), "history.csv header " + header);
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f[0].equals(model)) {
                rows.add(columns.stream().mapToDouble(c -> f[c].isEmpty() ? Double.NaN : Double.parseDouble(f[c]))
                        .toArray());
            }
        }
        return rows;
    }

    private static double[] flipFigures(Path logits, int[] labels, int[] old) throws IOException {
        int[] predictions = FlipAccumulator.argmax(Logits.read(logits, labels.length, 4), 4);
        int wrong = 0;
        int negativeFlips = 0;
        for (int i = 0; i < labels.length; i++) {
            wrong += predictions[i] != labels[i] ? 1 : 0;
            negativeFlips += old[i] == labels[i] && predictions[i] != labels[i] ? 1 : 0;
        }
        return new double[] {(double) wrong / labels.length, (double) negativeFlips / labels.length};
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
    void theTestSplitScoredOnlyForTheKeptEpochGivesThatEpochTheSameFiguresAndTrainsTheSameModels()
            throws IOException {
        List<String> overrides = List.of("training.epochs=4", "selection.rule=lowest_error");
        Path every = tmp.resolve("every");
        PcJob.run(JobConfigLoader.load(SMOKE, overrides), every);
        List<String> selectedOnly = new ArrayList<>(overrides);
        selectedOnly.add("selection.evaluate_test=selected");
        JobConfig config = JobConfigLoader.load(SMOKE, selectedOnly);
        Path once = tmp.resolve("once");
        PcJob.run(config, once);
        int[] labels = JobData.load(config.data(), 1, null).data().test().labels();
        int[] old = FlipAccumulator.argmax(Logits.read(once.resolve("old").resolve("logits-test.bin"), labels.length,
                4), 4);
        for (String model : List.of("old", "baseline", "pc")) {
            Path stage = Path.of("seed-1", model);
            if (model.equals("old")) {
                stage = Path.of("old");
            }
            // Scoring the test split is reporting only: the same parameters and test logits either way.
            assertArrayEquals(Files.readAllBytes(every.resolve(stage).resolve("final.params")),
                    Files.readAllBytes(once.resolve(stage).resolve("final.params")), model);
            assertArrayEquals(Files.readAllBytes(every.resolve(stage).resolve("logits-test.bin")),
                    Files.readAllBytes(once.resolve(stage).resolve("logits-test.bin")), model);
            String selection = Files.readString(once.resolve(stage).resolve("selection.json"));
            int kept = Integer.parseInt(selection.replaceAll("(?s).*\"epoch\" : (\\d+).*", "$1"));
            List<double[]> everyRows = history(every, model);
            List<double[]> onceRows = history(once, model);
            assertEquals(4, onceRows.size(), model);
            for (int e = 0; e < 4; e++) {
                double[] r = onceRows.get(e);
                // Validation figures are counts over the same predictions: equal exactly.
                assertEquals(everyRows.get(e)[1], r[1], 0, model + " epoch " + (e + 1) + " validation error");
                assertTrue(r[5] > 0, model + " epoch " + (e + 1) + ": evaluation share " + r[5]);
                assertTrue(everyRows.get(e)[5] > 0 && Double.isFinite(everyRows.get(e)[3]), model);
                if ((int) r[0] == kept) {
                    // The same count over the same total, both through Double.toString: 1e-12 absorbs the last bit.
                    double[] counted = flipFigures(once.resolve(stage).resolve("logits-test.bin"), labels, old);
                    assertEquals(counted[0], r[3], 1e-12, model + " kept epoch test error");
                    assertEquals(everyRows.get(e)[3], r[3], 1e-12, model + " kept epoch test error");
                    if (!model.equals("old")) {
                        assertEquals(counted[1], r[4], 1e-12, model + " kept epoch test NFR");
                    }
                } else {
                    assertTrue(Double.isNaN(r[3]) && Double.isNaN(r[4]),
                            model + " epoch " + (e + 1) + " was not to be scored on the test split");
                }
            }
        }
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
