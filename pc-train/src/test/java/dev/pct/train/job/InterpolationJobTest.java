package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.api.PcResult;
import dev.pct.train.config.ConfigException;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.io.Logits;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.report.ModelResult;
import dev.pct.train.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weight interpolation end to end on the synthetic smoke job with an old model of the new model's architecture
 * (batch norm included): a = 0 scores exactly as the old model (its test error, no negative flip), a = 1 exactly as
 * the plain retrain, the kept model's exported files give the predictions the report counts (read back through the
 * {@code predict} command), the report shows the curve, and a finished run is read back, not recomputed.
 */
class InterpolationJobTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");
    private static final int CLASSES = 4;

    @TempDir
    Path tmp;

    @Test
    void theEndsAreTheTwoModelsAndTheKeptMixIsReportedAndExported() throws IOException {
        // The old model trains with another seed than the plain retrain: two different networks at the ends.
        JobConfig config = JobConfigLoader.load(SMOKE, List.of("training.epochs=2", "old_model.seed=101",
                "old_model.architecture={type: cnn, channels: [8], hidden: [16], batch_norm: true}",
                "interpolation={enabled: true, alphas: [0, 0.5, 1], bn_batches: 4}"));
        Path run = tmp.resolve("run");
        PcResult result = PcJob.run(config, run);
        Path dir = run.resolve("seed-1").resolve("interpolated");
        JsonNode curve = new ObjectMapper().readTree(dir.resolve("curve.json").toFile());
        JsonNode points = curve.get("points");
        assertEquals(3, points.size());

        int[] labels = result.results().testLabels();
        int[] old = result.results().oldPredictions();
        double oldError = errorRate(labels, old);
        ModelResult baseline = model(result, "baseline");
        assertFalse(java.util.Arrays.equals(old, baseline.testPredictions()), "the ends differ");
        assertEquals(0.0, points.get(0).get("a").asDouble());
        assertEquals(oldError, points.get(0).get("test_error").asDouble(), 1e-12, "a = 0 is the old model");
        assertEquals(0.0, points.get(0).get("test_nfr").asDouble(), "the old model flips nothing of its own");
        assertEquals(baseline.vsOld().errorRateNew(), points.get(2).get("test_error").asDouble(), 1e-12,
                "a = 1 is the plain retrain");
        assertEquals(baseline.vsOld().negativeFlipRate(), points.get(2).get("test_nfr").asDouble(), 1e-12);

        // The kept model: its point, its logits, its export and the report's column agree.
        int kept = curve.get("kept").asInt();
        float[] logits = Logits.read(dir.resolve("logits-test.bin"), labels.length, CLASSES);
        int[] predictions = FlipAccumulator.argmax(logits, CLASSES);
        ModelResult interpolated = model(result, "interpolated");
        assertArrayEquals(predictions, interpolated.testPredictions());
        assertEquals(points.get(kept).get("test_error").asDouble(), errorRate(labels, predictions),
                1e-12);
        Path csv = tmp.resolve("interpolated-test.csv");
        CliRun.Result predicted = CliRun.run("predict", dir.resolve("model").toString(),
                run.resolve("config.yaml").toString(), "--split", "test", "--out", csv.toString(), "--device", "cpu");
        assertEquals(0, predicted.status(), predicted.err());
        assertArrayEquals(predictions, FlipAccumulator.argmax(PredictionFiles.readLogits(csv, CLASSES), CLASSES),
                "the exported model predicts what the report counts");

        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("## Weight interpolation") && report.contains("| interpolated |"), report);
        assertTrue(Files.size(run.resolve("interpolation.png")) > 1000);

        // Finished: read back, not recomputed; the report command writes the same report from the files.
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.json"));
        byte[] curveBytes = Files.readAllBytes(dir.resolve("curve.json"));
        PcJob.run(config, run);
        assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.json")));
        assertArrayEquals(curveBytes, Files.readAllBytes(dir.resolve("curve.json")));
        byte[] markdown = Files.readAllBytes(run.resolve("report.md"));
        Files.delete(run.resolve("report.md"));
        assertEquals(0, CliRun.run("report", run.toString()).status());
        assertArrayEquals(markdown, Files.readAllBytes(run.resolve("report.md")));
    }

    /**
     * Data growth: the old model trains on half the training split and every new model starts from its weights; the
     * interpolation then runs between a model and its own fine-tuning.
     */
    @Test
    void aDataGrowthUpdateFineTunesFromTheOldWeightsOfAHalfTrainedOldModel() throws IOException {
        String cnn = "{type: cnn, channels: [8], hidden: [16], batch_norm: true}";
        JobConfig half = JobConfigLoader.load(SMOKE, List.of("training.epochs=1", "old_model.architecture=" + cnn,
                "old_model.train_fraction=0.5", "new_model.source=old", "new_model.architecture=" + cnn,
                "interpolation={enabled: true, alphas: [0, 0.5, 1], bn_batches: 2}"));
        Path run = tmp.resolve("growth");
        PcJob.run(half, run);
        String provenance = Files.readString(run.resolve("seed-1/baseline/model/pct-model.json"));
        assertTrue(provenance.contains("from " + run.resolve("old").resolve("final.params")), provenance);
        // The old model saw half the data: trained on all of it, it comes out otherwise.
        JobConfig full = JobConfigLoader.load(SMOKE, List.of("training.epochs=1", "old_model.architecture=" + cnn,
                "compare_baseline=false", "loss.treatment=none"));
        Path fullRun = tmp.resolve("full");
        PcJob.run(full, fullRun);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(run.resolve("old/final.params")),
                Files.readAllBytes(fullRun.resolve("old/final.params"))), "half the data, another old model");
        assertTrue(Files.exists(run.resolve("seed-1/interpolated/done")));
    }

    @Test
    void anOldModelOfAnotherArchitectureIsRefused() throws IOException {
        String message = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(SMOKE, List.of("interpolation.enabled=true"))).getMessage();
        assertTrue(message.contains("new_model.architecture") && message.contains("interpolation.enabled"), message);
    }

    private static double errorRate(int[] labels, int[] predictions) {
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            wrong += labels[i] == predictions[i] ? 0 : 1;
        }
        return (double) wrong / labels.length;
    }

    private static ModelResult model(PcResult result, String name) {
        return result.results().modelsOldFirst().stream().filter(r -> r.model().equals(name)).findFirst()
                .orElseThrow();
    }
}
