package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.api.PcResult;
import dev.pct.train.report.ModelResult;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baseline_from}: the second job of a sweep split in two takes the first job's plain retrain instead of
 * training its own, and ends exactly as if it had trained it; a run of another update, or one that lacks a seed,
 * is refused with the reason.
 */
class SharedBaselineJobTest {

    @TempDir
    Path tmp;

    /** A job on the tiny IDX data set with the TorchScript old model fixture. */
    private Path job() throws IOException {
        return Fixtures.tinyTorchScriptJob(tmp);
    }

    private static CliRun.Result train(Path job, Path dir, String... sets) {
        List<String> args = new java.util.ArrayList<>(List.of("train", job.toString(), "--run-dir", dir.toString()));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        return CliRun.run(args.toArray(String[]::new));
    }

    @Test
    void aJobTakingAnotherRunsPlainRetrainTrainsOnlyItsOwnModelsAndEndsAsIfItHadTrainedIt() throws IOException {
        Path job = job();
        Path first = tmp.resolve("gpu-0");
        Path second = tmp.resolve("gpu-1");
        Path alone = tmp.resolve("alone");
        assertEquals(0, train(job, first, "loss.lambda=1.0").status());
        CliRun.Result shared = train(job, second, "loss.lambda=3.0", "baseline_from=" + first);
        assertEquals(0, shared.status(), shared.err());
        assertEquals(0, train(job, alone, "loss.lambda=3.0").status());

        // Not trained there: the copy keeps the first run's file times, and a trained stage leaves checkpoints.
        assertEquals(Files.getLastModifiedTime(first.resolve("seed-1/baseline/final.params")).toMillis(),
                Files.getLastModifiedTime(second.resolve("seed-1/baseline/final.params")).toMillis());
        assertTrue(Files.isDirectory(alone.resolve("seed-1/baseline/checkpoints")));
        assertFalse(Files.exists(second.resolve("seed-1/baseline/checkpoints")), "no plain retrain trained there");
        assertTrue(Files.isDirectory(second.resolve("seed-1/pc/checkpoints")), "its PC model trained there");
        // As a job that trained its own: the same results for every model, the same files of the plain retrain.
        assertEquals(Files.readString(alone.resolve("metrics.json")), Files.readString(second.resolve("metrics.json")));
        assertArrayEquals(Files.readAllBytes(first.resolve("seed-1/baseline/final.params")),
                Files.readAllBytes(second.resolve("seed-1/baseline/final.params")));
        // It resumes and reports as a run of its own.
        assertEquals(0, train(job, second, "loss.lambda=3.0", "baseline_from=" + first).status());
        assertEquals(0, CliRun.run("report", second.toString()).status());
        // And the two jobs merge into one report with the plain retrain once.
        PcResult merged = PcJob.merge(List.of(first, second), tmp.resolve("merged"));
        assertEquals(List.of("baseline", "pc", "gpu-1/pc"),
                merged.results().models().stream().map(ModelResult::model).toList());
    }

    @Test
    void aRunOfAnotherUpdateOrWithoutTheSeedIsRefused() throws IOException {
        Path job = job();
        Path first = tmp.resolve("first");
        assertEquals(0, train(job, first).status());

        CliRun.Result otherTraining = train(job, tmp.resolve("a"), "baseline_from=" + first,
                "training.learning_rate=0.1");
        assertNotEquals(0, otherTraining.status());
        assertTrue(otherTraining.err().contains("baseline_from") && otherTraining.err().contains(
                "training.learning_rate (0.1 here, 0.05 there)"), otherTraining.err());

        CliRun.Result otherData = train(job, tmp.resolve("b"), "baseline_from=" + first,
                "data.validation_fraction=0.2");
        assertNotEquals(0, otherData.status());
        assertTrue(otherData.err().contains("data.validation_fraction"), otherData.err());

        CliRun.Result noSeed = train(job, tmp.resolve("c"), "baseline_from=" + first, "seeds=[1,2]");
        assertNotEquals(0, noSeed.status());
        assertTrue(noSeed.err().contains("no finished plain retrain of seed 2"), noSeed.err());

        CliRun.Result notARun = train(job, tmp.resolve("d"), "baseline_from=" + tmp.resolve("nowhere"));
        assertNotEquals(0, notARun.status());
        assertTrue(notARun.err().contains("is not a run directory"), notARun.err());

        CliRun.Result trainedOld = train(job, tmp.resolve("e"), "baseline_from=" + first,
                "old_model={source: train, architecture: {type: mlp, hidden: [16]}}");
        assertNotEquals(0, trainedOld.status());
        assertTrue(trainedOld.err().contains("baseline_from") && trainedOld.err().contains("old_model.source"),
                trainedOld.err());
    }
}
