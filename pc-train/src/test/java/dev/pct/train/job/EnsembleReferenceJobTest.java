package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.api.PcResult;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.io.Logits;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.report.ModelResult;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ensemble reference end to end on the synthetic smoke job: the members are trained as their own stages,
 * the cached teacher is the mean of what the members' exported models predict (read back through the
 * {@code predict} command, not the job's code), the ensemble is reported as a model, and a second run reuses
 * everything.
 */
class EnsembleReferenceJobTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final int CLASSES = 4;
    private static final List<String> MEMBERS = List.of("baseline", "reference-2", "reference-3");

    @TempDir
    Path tmp;

    @Test
    void theTeacherIsTheMeanOfTheMembersAndTheEnsembleIsReported() throws IOException {
        JobConfig config = JobConfigLoader.load(SMOKE, List.of("training.epochs=2", "loss.reference=ensemble",
                "loss.ensemble_members=3"));
        Path run = tmp.resolve("run");
        PcResult result = PcJob.run(config, run);
        Path seed = run.resolve("seed-1");

        // Each member's predictions on the training split, through its exported model.
        float[][] members = new float[MEMBERS.size()][];
        for (int m = 0; m < MEMBERS.size(); m++) {
            Path csv = tmp.resolve(MEMBERS.get(m) + "-train.csv");
            CliRun.Result predicted = CliRun.run("predict", seed.resolve(MEMBERS.get(m)).resolve("model").toString(),
                    run.resolve("config.yaml").toString(), "--split", "train", "--out", csv.toString(), "--device",
                    "cpu");
            assertEquals(0, predicted.status(), predicted.err());
            members[m] = PredictionFiles.readLogits(csv, CLASSES);
        }
        assertFalse(Arrays.equals(members[0], members[1]), "members trained with different seeds differ");
        assertFalse(Arrays.equals(members[1], members[2]), "members trained with different seeds differ");
        float[] cached;
        try (LogitCache cache = LogitCache.openExisting(seed.resolve("reference").resolve("teacher-train-3.logits"))) {
            cached = cache.readAll();
            assertTrue(cache.identity().oldModel().contains("mean logits of 3"), cache.identity().oldModel());
        }
        assertEquals(members[0].length, cached.length);
        for (int i = 0; i < cached.length; i++) {
            // The cache is a float32 mean of 3 (a few ulps, ~2e-7 relative) of logits the job computed in other
            // batches than the predict CLI's (last-bit differences); the CSV round-trips floats. 1e-5 is margin.
            double mean = ((double) members[0][i] + members[1][i] + members[2][i]) / 3;
            assertEquals(mean, cached[i], 1e-5 * Math.max(1, Math.abs(mean)), "row " + i / CLASSES);
        }

        // The ensemble's test predictions: the arg-max of its members' mean test logits.
        int testSize = result.results().testLabels().length;
        float[] sum = new float[testSize * CLASSES];
        for (String member : MEMBERS) {
            float[] logits = Logits.read(seed.resolve(member).resolve("logits-test.bin"), testSize, CLASSES);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += logits[i] / 3f;
            }
        }
        ModelResult ensemble = result.results().modelsOldFirst().stream().filter(r -> r.model().equals("ensemble"))
                .findFirst().orElseThrow();
        assertArrayEquals(FlipAccumulator.argmax(sum, CLASSES), ensemble.testPredictions());
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("| ensemble |"), report);
        assertTrue(Files.readString(seed.resolve("pc").resolve("model").resolve("pct-model.json"))
                .contains("toward the mean logits of 3 plain retrains"), "the PC model's provenance names its reference");

        // A second run on the finished directory retrains nothing, recomputes no cache and reports the same.
        Path cacheFile = seed.resolve("reference").resolve("teacher-train-3.logits");
        byte[] cacheBytes = Files.readAllBytes(cacheFile);
        java.nio.file.attribute.FileTime cacheTime = Files.getLastModifiedTime(cacheFile);
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.json"));
        byte[] params = Files.readAllBytes(seed.resolve("pc").resolve("final.params"));
        PcJob.run(config, run);
        assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.json")));
        assertArrayEquals(params, Files.readAllBytes(seed.resolve("pc").resolve("final.params")));
        assertArrayEquals(cacheBytes, Files.readAllBytes(cacheFile));
        assertEquals(cacheTime, Files.getLastModifiedTime(cacheFile), "the cache was reused, not rewritten");

        // The report command writes the same reports from the files alone, the ensemble's column included.
        byte[] markdown = Files.readAllBytes(run.resolve("report.md"));
        byte[] html = Files.readAllBytes(run.resolve("report.html"));
        Files.delete(run.resolve("report.md"));
        Files.delete(run.resolve("report.html"));
        assertEquals(0, CliRun.run("report", run.toString()).status());
        assertArrayEquals(markdown, Files.readAllBytes(run.resolve("report.md")));
        assertArrayEquals(html, Files.readAllBytes(run.resolve("report.html")));
    }

    /**
     * {@code weights_from} reaches the loss: with filter old_correct and alpha 0, the PC model trained with the old
     * model's decisions differs from the one trained with the ensemble's, while everything before it is the same.
     */
    @Test
    void whoseDecisionsSetTheWeightsChangesThePcModelOnly() throws IOException {
        byte[][] pc = new byte[2][];
        byte[][] member = new byte[2][];
        String[] sources = {"old", "reference"};
        for (int i = 0; i < 2; i++) {
            JobConfig config = JobConfigLoader.load(SMOKE, List.of("training.epochs=1", "loss.reference=ensemble",
                    "loss.ensemble_members=2", "loss.alpha=0", "loss.filter=old_correct",
                    "loss.weights_from=" + sources[i]));
            Path run = tmp.resolve("run-" + sources[i]);
            PcJob.run(config, run);
            pc[i] = Files.readAllBytes(run.resolve("seed-1").resolve("pc").resolve("final.params"));
            member[i] = Files.readAllBytes(run.resolve("seed-1").resolve("reference-2").resolve("final.params"));
        }
        assertArrayEquals(member[0], member[1], "the ensemble does not depend on the weights");
        assertFalse(Arrays.equals(pc[0], pc[1]), "the weights follow weights_from");
    }

    /**
     * A sweep comparing references trains the members once and reports every setting next to the ensemble,
     * which has no epochs of its own; the old-model setting distils toward the old model's cache.
     */
    @Test
    void aSweepComparesTheOldModelAndTheEnsembleAsReferences() throws IOException {
        JobConfig config = JobConfigLoader.load(SMOKE, List.of("training.epochs=1", "loss.ensemble_members=2",
                "selection.rule=lowest_nfr", "sweep=[{key: loss.reference, values: [old, ensemble]}]"));
        Path run = tmp.resolve("run");
        PcResult result = PcJob.run(config, run);
        Path seed = run.resolve("seed-1");
        for (String stage : List.of("baseline", "reference-2", "pc-old", "pc-ensemble")) {
            assertTrue(Files.exists(seed.resolve(stage).resolve("done")), stage);
        }
        assertFalse(Files.exists(seed.resolve("reference-3")), "two members: the baseline and one more");
        assertTrue(result.results().modelsOldFirst().stream().anyMatch(r -> r.model().equals("ensemble")));
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("## Sweep") && report.contains("| ensemble | the reference ensemble"), report);
        assertFalse(Arrays.equals(Files.readAllBytes(seed.resolve("pc-old").resolve("final.params")),
                Files.readAllBytes(seed.resolve("pc-ensemble").resolve("final.params"))), "different teachers");
    }
}
