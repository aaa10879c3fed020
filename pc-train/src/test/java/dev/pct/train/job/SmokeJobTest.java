package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.api.PcResult;
import dev.pct.train.cli.PcTrainCli;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.io.Logits;
import dev.pct.train.report.ModelResult;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on configs/smoke.yaml: the job, its files, resumption, and the CLI around it. */
class SmokeJobTest {
    private static final Path SMOKE = Path.of("..", "configs", "smoke.yaml");

    @TempDir
    Path tmp;

    private static JobConfig smoke(String... overrides) {
        return JobConfigLoader.load(SMOKE, List.of(overrides));
    }

    @Test
    void smokeJobWritesTheSideBySideReport() throws IOException {
        Path run = tmp.resolve("run");
        int status = PcTrainCli.execute("train", SMOKE.toString(), "--run-dir", run.toString());
        assertEquals(0, status);
        for (String f : List.of("config.yaml", "run-info.json", "train.log", "metrics.json", "report.md", "report.html",
                "history.csv", "learning_curves.png", "error_vs_nfr.png", "old/final.params",
                "seed-1/pc/final.params", "seed-1/baseline/final.params")) {
            assertTrue(Files.exists(run.resolve(f)), "missing " + f);
        }
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertTrue(metrics.toString().contains("baseline") && metrics.toString().contains("pc"));
        // The cached old-model test logits, scored independently of the report, give the report's old predictions.
        float[] oldTest = Logits.read(run.resolve("old/logits-test.bin"), 256, 4);
        float[] pcTest = Logits.read(run.resolve("seed-1/pc/logits-test.bin"), 256, 4);
        int[] labels = JobData.load(smoke().data(), 1, null).data().test().labels();
        int[] oldPred = FlipAccumulator.argmax(oldTest, 4);
        int[] pcPred = FlipAccumulator.argmax(pcTest, 4);
        long negativeFlips = 0;
        for (int i = 0; i < labels.length; i++) {
            if (oldPred[i] == labels[i] && pcPred[i] != labels[i]) {
                negativeFlips++;
            }
        }
        List<String> flips = Files.readAllLines(run.resolve("negative_flips_pc.csv"));
        assertEquals(negativeFlips, flips.size() - 1, "one CSV row per negative flip of the PC model");
        // history.csv: header + 3 epochs x 3 stages; validation NFR is measured for the new models only.
        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(1 + 9, history.size());
        int column = List.of(history.get(0).split(",")).indexOf("validation_negative_flip_rate");
        for (String line : history.subList(1, history.size())) {
            String[] f = line.split(",", -1);
            if (f[0].equals("old")) {
                assertEquals("", f[column], line);
            } else {
                double v = Double.parseDouble(f[column]);
                assertTrue(v >= 0 && v <= 1, line);
            }
        }
    }

    @Test
    void reportCommandGivesAnOldRunTheHtmlReport() throws IOException {
        Path run = tmp.resolve("run");
        PcJob.run(smoke(), run);
        byte[] markdown = Files.readAllBytes(run.resolve("report.md"));
        byte[] html = Files.readAllBytes(run.resolve("report.html"));
        byte[] metrics = Files.readAllBytes(run.resolve("metrics.json"));
        byte[] pipeline = Files.readAllBytes(run.resolve("input-pipeline.json"));
        // A run from before report.html: no HTML, and no recorded input-pipeline rate.
        Files.delete(run.resolve("report.html"));
        Files.delete(run.resolve("input-pipeline.json"));
        java.nio.file.attribute.FileTime trained = Files.getLastModifiedTime(run.resolve("seed-1/pc/final.params"));

        assertEquals(0, PcTrainCli.execute("report", run.toString()));
        assertTrue(Files.exists(run.resolve("report.html")));
        assertEquals(trained, Files.getLastModifiedTime(run.resolve("seed-1/pc/final.params")), "nothing retrained");
        // Everything but the loading line (which the old run lacks) as the job wrote it.
        String was = new String(markdown, java.nio.charset.StandardCharsets.UTF_8);
        String loading = was.lines().filter(l -> l.startsWith("Loading alone")).findFirst().orElseThrow();
        assertEquals(was.replace(loading + "\n\n", ""), Files.readString(run.resolve("report.md")));

        // With the rate recorded, the same bytes as the job's.
        Files.write(run.resolve("input-pipeline.json"), pipeline);
        assertEquals(0, PcTrainCli.execute("report", run.toString()));
        assertArrayEquals(markdown, Files.readAllBytes(run.resolve("report.md")));
        assertArrayEquals(html, Files.readAllBytes(run.resolve("report.html")));
        assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.json")));

        CliRun.Result notARun = CliRun.run("report", tmp.toString());
        assertEquals(1, notARun.status());
        assertTrue(notARun.err().contains(tmp + ": not a run directory (no config.yaml)"), notARun.err());
    }

    @Test
    void resumedRunEndsExactlyLikeAnUninterruptedOne() throws IOException {
        JobConfig config = smoke("training.epochs=3", "training.checkpoint_every_epochs=1");
        Path straight = tmp.resolve("straight");
        PcResult full = PcJob.run(config, straight);

        // Simulate a crash after epoch 2 of the PC stage: drop its finished outputs and its epoch-3 checkpoint.
        Path crashed = tmp.resolve("crashed");
        Trees.copy(straight, crashed);
        Path pc = crashed.resolve("seed-1/pc");
        Files.delete(pc.resolve("done"));
        Files.delete(pc.resolve("final.params"));
        Files.delete(pc.resolve("logits-test.bin"));
        Files.delete(pc.resolve("checkpoints/epoch-0003.ckpt"));
        assertTrue(Files.exists(pc.resolve("checkpoints/epoch-0002.ckpt")));

        int status = PcTrainCli.execute("train", "--resume", crashed.toString());
        assertEquals(0, status);
        float[] expected = Logits.read(straight.resolve("seed-1/pc/logits-test.bin"), 256, 4);
        float[] resumed = Logits.read(pc.resolve("logits-test.bin"), 256, 4);
        assertArrayEquals(expected, resumed, 0f, "PC model's test logits after resume");
        ModelResult pcResult = full.results().models().stream()
                .filter(m -> m.model().equals("pc")).findFirst().orElseThrow();
        assertEquals(pcResult.vsOld().negativeFlips(),
                Files.readAllLines(crashed.resolve("negative_flips_pc.csv")).size() - 1);
    }

    @Test
    void badConfigFailsWithAOneLineReasonAndRunsNothing() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(SMOKE).replace("batch_size: 32", "batch_size: 0"));
        Path run = tmp.resolve("never");
        CliRun.Result result = CliRun.run("train", bad.toString(), "--run-dir", run.toString());
        assertEquals(1, result.status());
        String message = result.err();
        assertTrue(message.contains("training.batch_size") && message.contains("bad.yaml"), message);
        assertFalse(Files.exists(run), "nothing runs on a bad config");
    }

    @Test
    void compareComputesFlipsFromFiles() throws IOException {
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "0\n1\n2\n1\n");
        Path old = Files.writeString(tmp.resolve("old.csv"), "0\n1\n0\n2\n");
        Path neu = Files.writeString(tmp.resolve("new.csv"), "0\n2\n2\n1\n");
        Path out = tmp.resolve("flips.json");
        int status = PcTrainCli.execute("compare", "--labels", labels.toString(), "--old", old.toString(),
                "--new", neu.toString(), "--out", out.toString());
        assertEquals(0, status);
        JsonNode json = new ObjectMapper().readTree(out.toFile());
        // Old right on samples 0 and 1; new wrong on sample 1: one negative flip of 4.
        // New right on 2 and 3 where old was wrong: two positive flips.
        assertEquals(1, json.get("negativeFlips").asInt());
        assertEquals(2, json.get("positiveFlips").asInt());
        assertEquals(0.25, json.get("negativeFlipRate").asDouble(), 1e-12); // 1 / 4 is exact in double; slack
    }

    @Test
    void oldModelFromCheckpointOrLogitsReproducesTheRunAndEvaluateAgrees() throws IOException {
        JobConfig config = smoke("compare_baseline=false");
        Path first = tmp.resolve("first");
        PcResult trained = PcJob.run(config, first);
        ModelResult pc = trained.results().models().get(0);

        // The same old model given as its saved parameters.
        Path fromCheckpoint = tmp.resolve("checkpoint");
        PcJob.run(smoke("compare_baseline=false", "old_model.source=checkpoint",
                "old_model.checkpoint=" + first.resolve("old/final.params")), fromCheckpoint);
        assertArrayEquals(Logits.read(first.resolve("seed-1/pc/logits-test.bin"), 256, 4),
                Logits.read(fromCheckpoint.resolve("seed-1/pc/logits-test.bin"), 256, 4), 0f,
                "PC model trained against the reloaded old model");

        // The same old model given as logits CSV files, rows in the data files' order, as another framework
        // would write them. The training split's rows come from the run's cache; held-out rows are unused.
        JobData data = JobData.load(config.data(), 1, null);
        float[] trainSplit;
        try (LogitCache cache = LogitCache.openExisting(first.resolve("old/teacher-train.logits"))) {
            assertEquals(data.trainSet().size(), cache.rows());
            trainSplit = cache.readAll();
        }
        float[][] fullTrain = new float[512][4];
        for (int i = 0; i < data.trainSet().size(); i++) {
            System.arraycopy(trainSplit, i * 4, fullTrain[data.trainSet().sourceIndices()[i]], 0, 4);
        }
        Path trainCsv = writeCsv(tmp.resolve("old_train.csv"), fullTrain);
        float[] test;
        try (LogitCache cache = LogitCache.openExisting(first.resolve("old/logits-test.cache"))) {
            test = cache.readAll();
        }
        float[][] testRows = new float[256][4];
        for (int i = 0; i < 256; i++) {
            System.arraycopy(test, i * 4, testRows[i], 0, 4);
        }
        Path testCsv = writeCsv(tmp.resolve("old_test.csv"), testRows);
        Path fromLogits = tmp.resolve("logits");
        PcJob.run(smoke("compare_baseline=false", "old_model.source=logits",
                "old_model.logits.train=" + trainCsv, "old_model.logits.test=" + testCsv), fromLogits);
        assertArrayEquals(Logits.read(first.resolve("seed-1/pc/logits-test.bin"), 256, 4),
                Logits.read(fromLogits.resolve("seed-1/pc/logits-test.bin"), 256, 4), 0f,
                "PC model trained against the old model's logits");

        // evaluate: saved parameters of both models, and the old model as logits, give the run's flip counts.
        var fromParams = PcJob.evaluate(config, first.resolve("old/final.params"),
                first.resolve("seed-1/pc/final.params"));
        assertEquals(pc.vsOld().negativeFlips(), fromParams.negativeFlips());
        assertEquals(pc.vsOld().positiveFlips(), fromParams.positiveFlips());
        var fromCsv = PcJob.evaluate(config, testCsv, first.resolve("seed-1/pc/final.params"));
        assertEquals(pc.vsOld().negativeFlips(), fromCsv.negativeFlips());
    }

    @Test
    void divergingLossStopsTheRunWithAClearMessageAndKeepsWhatWasDone() throws IOException {
        Path run = tmp.resolve("diverged");
        // The old model trains normally; the new models get a learning rate that must blow up.
        CliRun.Result result = CliRun.run("train", SMOKE.toString(), "--run-dir", run.toString(),
                "--set", "training.learning_rate=1e6", "--set", "old_model.training.learning_rate=0.05");
        assertEquals(1, result.status());
        String message = result.err();
        assertTrue(message.contains("baseline seed 1") && message.contains("learning_rate"), message);
        assertTrue(Files.exists(run.resolve("old/final.params")), "the finished old model stays");
        assertFalse(Files.exists(run.resolve("seed-1/baseline/done")), "a diverged stage is not marked done");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"none", "kd", "fd-lm", "fd-ldi"})
    void everyTreatmentRunsEndToEnd(String treatment) throws IOException {
        Path run = tmp.resolve(treatment);
        PcResult result = PcJob.run(
                smoke("loss.treatment=" + treatment, "training.epochs=1", "training.grad_clip_norm=5"), run);
        List<String> models = result.results().models().stream().map(ModelResult::model).toList();
        // Plain cross-entropy is the baseline itself; the distilling treatments add the PC model beside it.
        assertEquals(treatment.equals("none") ? List.of("baseline") : List.of("baseline", "pc"), models);
        assertTrue(Files.exists(run.resolve("report.md")));
    }

    /** What the CLI returned and printed on standard error. */

    private static Path writeCsv(Path file, float[][] rows) throws IOException {
        StringBuilder sb = new StringBuilder("c0,c1,c2,c3\n");
        for (float[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                sb.append(c == 0 ? "" : ",").append(row[c]);
            }
            sb.append('\n');
        }
        return Files.writeString(file, sb.toString());
    }

}
