package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.api.PcResult;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.io.PredictionFiles;
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
 * Two-source distillation end to end on the synthetic smoke job: toward the old model where it is right and toward
 * the plain retrain (an ensemble of one) elsewhere. The second teacher's cache holds what the plain retrain's
 * exported model predicts on the training split (read back through the {@code predict} command), the second term
 * changes the PC model and only it, and the provenance names both sources.
 */
class TwoSourceJobTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final int CLASSES = 4;

    @TempDir
    Path tmp;

    @Test
    void theSecondTermPullsTowardThePlainRetrainAndChangesThePcModelOnly() throws IOException {
        JobConfig one = JobConfigLoader.load(SMOKE, List.of("training.epochs=1"));
        JobConfig two = JobConfigLoader.load(SMOKE, List.of("training.epochs=1", "loss.second_treatment=fd-kl",
                "loss.second_lambda=2", "loss.ensemble_members=1"));
        Path runOne = tmp.resolve("one");
        Path runTwo = tmp.resolve("two");
        PcJob.run(one, runOne);
        PcResult result = PcJob.run(two, runTwo);
        Path seed = runTwo.resolve("seed-1");

        // The second teacher is the plain retrain itself: no other member is trained, none is reported.
        assertFalse(Files.exists(seed.resolve("reference-2")), "one member: the plain retrain");
        assertTrue(result.results().modelsOldFirst().stream().noneMatch(r -> r.model().startsWith("ensemble")),
                "an ensemble of one is the baseline, reported once");
        Path csv = tmp.resolve("baseline-train.csv");
        CliRun.Result predicted = CliRun.run("predict", seed.resolve("baseline").resolve("model").toString(),
                runTwo.resolve("config.yaml").toString(), "--split", "train", "--out", csv.toString(), "--device",
                "cpu");
        assertEquals(0, predicted.status(), predicted.err());
        float[] retrain = PredictionFiles.readLogits(csv, CLASSES);
        float[] cached;
        try (LogitCache cache = LogitCache.openExisting(seed.resolve("reference").resolve("teacher-train-1.logits"))) {
            cached = cache.readAll();
        }
        assertEquals(retrain.length, cached.length);
        for (int i = 0; i < cached.length; i++) {
            // Logits of one model computed in other batches than the predict CLI's: last-bit differences.
            assertEquals(retrain[i], cached[i], 1e-5 * Math.max(1, Math.abs(retrain[i])), "row " + i / CLASSES);
        }

        // Everything before the PC model is the same run; the PC model differs by the second term.
        for (String stage : List.of("old", "seed-1/baseline")) {
            assertArrayEquals(Files.readAllBytes(runOne.resolve(stage).resolve("final.params")),
                    Files.readAllBytes(runTwo.resolve(stage).resolve("final.params")), stage);
        }
        assertFalse(Arrays.equals(Files.readAllBytes(runOne.resolve("seed-1/pc/final.params")),
                Files.readAllBytes(seed.resolve("pc").resolve("final.params"))), "the second term trains");
        String provenance = Files.readString(seed.resolve("pc").resolve("model").resolve("pct-model.json"));
        assertTrue(provenance.contains("plus a second term") && provenance.contains("logits of the plain retrain")
                && provenance.contains("filter old_incorrect"), provenance);

        // A second run on the finished directory retrains nothing and reports the same.
        byte[] metrics = Files.readAllBytes(runTwo.resolve("metrics.json"));
        byte[] params = Files.readAllBytes(seed.resolve("pc").resolve("final.params"));
        PcJob.run(two, runTwo);
        assertArrayEquals(metrics, Files.readAllBytes(runTwo.resolve("metrics.json")));
        assertArrayEquals(params, Files.readAllBytes(seed.resolve("pc").resolve("final.params")));
    }
}
