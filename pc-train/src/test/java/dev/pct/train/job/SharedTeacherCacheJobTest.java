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
 * {@code pc-train teacher} computes a job's teacher cache once into a folder; jobs that name it in {@code
 * old_model.cache} read it instead of computing their own, and end exactly as a job that computed its own; a job
 * on other data is refused with the reason, and a job whose old model is not a file cannot make one.
 */
class SharedTeacherCacheJobTest {

    @TempDir
    Path tmp;

    /** A job on the tiny IDX data set with the TorchScript old model fixture. */
    private Path job() throws IOException {
        return Fixtures.tinyTorchScriptJob(tmp);
    }

    @Test
    void twoJobsSharingOneTeacherCacheEndAsAJobWithItsOwn() throws IOException {
        Path job = job();
        Path shared = tmp.resolve("teacher");
        CliRun.Result made = CliRun.run("teacher", job.toString(), "--out", shared.toString());
        assertEquals(0, made.status(), made.err());
        for (String name : new String[] {"teacher-train.logits", "logits-validation.cache", "logits-test.cache"}) {
            assertTrue(Files.isRegularFile(shared.resolve(name)), name);
        }
        Path own = tmp.resolve("own");
        assertEquals(0, CliRun.run("train", job.toString(), "--run-dir", own.toString()).status());
        // The teacher command writes the very files a job writes for itself.
        for (String name : new String[] {"teacher-train.logits", "logits-validation.cache", "logits-test.cache"}) {
            assertArrayEquals(Files.readAllBytes(own.resolve("old").resolve(name)),
                    Files.readAllBytes(shared.resolve(name)), name);
        }
        byte[] sharedBefore = Files.readAllBytes(shared.resolve("teacher-train.logits"));
        for (String run : new String[] {"first", "second"}) {
            Path dir = tmp.resolve(run);
            CliRun.Result result = CliRun.run("train", job.toString(), "--run-dir", dir.toString(),
                    "--set", "old_model.cache=" + shared);
            assertEquals(0, result.status(), result.err());
            assertEquals(Files.readString(own.resolve("metrics.json")), Files.readString(dir.resolve("metrics.json")),
                    run + " job's results");
            assertTrue(Files.readString(dir.resolve("run-info.json")).contains(
                    "\"teacher_cache\" : \"" + shared.toAbsolutePath().normalize() + "\""),
                    "run-info.json names the shared cache");
            for (String name : new String[] {"teacher-train.logits", "logits-validation.cache", "logits-test.cache"}) {
                assertFalse(Files.exists(dir.resolve("old").resolve(name)),
                        "a job with a shared cache computes no " + name + " of its own");
            }
        }
        assertArrayEquals(sharedBefore, Files.readAllBytes(shared.resolve("teacher-train.logits")),
                "the jobs only read the shared cache");
        // The report command of a shared-cache run reads the old model's test outputs from the shared folder.
        CliRun.Result report = CliRun.run("report", tmp.resolve("first").toString());
        assertEquals(0, report.status(), report.err());
    }

    @Test
    void aJobOnOtherDataIsRefusedAndAnOldModelTrainedInTheJobMakesNoCache() throws IOException {
        Path job = job();
        Path shared = tmp.resolve("teacher");
        assertEquals(0, CliRun.run("teacher", job.toString(), "--out", shared.toString()).status());
        Path other = tmp.resolve("other");
        CliRun.Result refused = CliRun.run("train", job.toString(), "--run-dir", other.toString(),
                "--set", "old_model.cache=" + shared, "--set", "data.validation_fraction=0.2");
        assertNotEquals(0, refused.status());
        assertTrue(refused.err().contains("old_model.cache") && refused.err().contains("refused")
                && refused.err().contains("teacher-train.logits") && refused.err().contains("rows was"), refused.err());
        assertFalse(Files.exists(other), "refused before the run directory is made");

        CliRun.Result trained = CliRun.run("teacher", job.toString(), "--out", tmp.resolve("t2").toString(),
                "--set", "old_model={source: train, architecture: {type: mlp, hidden: [16]}}");
        assertNotEquals(0, trained.status());
        assertTrue(trained.err().contains("old_model.source") && trained.err().contains("train"), trained.err());
        CliRun.Result cacheWithTrain = CliRun.run("train", job.toString(), "--run-dir", tmp.resolve("t3").toString(),
                "--set", "old_model={source: train, architecture: {type: mlp, hidden: [16]}, cache: " + shared + "}");
        assertNotEquals(0, cacheWithTrain.status());
        assertTrue(cacheWithTrain.err().contains("old_model.cache"), cacheWithTrain.err());
    }

    @Test
    void aSweepSplitIntoTwoJobsOnOneSharedCacheMergesIntoOneReport() throws IOException {
        Path job = job();
        Path shared = tmp.resolve("teacher");
        assertEquals(0, CliRun.run("teacher", job.toString(), "--out", shared.toString()).status());
        Path first = tmp.resolve("gpu-0");
        Path second = tmp.resolve("gpu-1");
        assertEquals(0, CliRun.run("train", job.toString(), "--run-dir", first.toString(), "--set",
                "old_model.cache=" + shared, "--set", "loss.lambda=1.0").status());
        assertEquals(0, CliRun.run("train", job.toString(), "--run-dir", second.toString(), "--set",
                "old_model.cache=" + shared, "--set", "loss.lambda=3.0").status());
        Path merged = tmp.resolve("merged");
        CliRun.Result report = CliRun.run("report", first.toString(), second.toString(), "--out", merged.toString());
        assertEquals(0, report.status(), report.err());
        assertTrue(Files.isRegularFile(merged.resolve("report.html")) && Files.isRegularFile(merged.resolve(
                "metrics.json")));
        String md = Files.readString(merged.resolve("report.md"));
        assertTrue(md.contains("> **Merged:** 2 runs: gpu-0, gpu-1.") && md.contains("is listed as gpu-1/pc"), md);

        PcResult a = PcJob.report(first);
        PcResult b = PcJob.report(second);
        PcResult all = PcJob.merge(List.of(first, second), tmp.resolve("merged-again"));
        List<ModelResult> models = all.results().models();
        // Both jobs trained the same plain retrain (same seed, same data): listed once.
        assertEquals(List.of("baseline", "pc", "gpu-1/pc"), models.stream().map(ModelResult::model).toList());
        assertEquals(a.results().models().get(1).vsOld(), models.get(1).vsOld());
        assertEquals(b.results().models().get(1).vsOld(), models.get(2).vsOld());
        assertArrayEquals(b.results().models().get(1).testPredictions(), models.get(2).testPredictions());
        assertEquals(Files.readString(merged.resolve("metrics.json")),
                Files.readString(tmp.resolve("merged-again").resolve("metrics.json")));

        CliRun.Result one = CliRun.run("report", first.toString(), "--out", tmp.resolve("m1").toString());
        assertNotEquals(0, one.status());
        assertTrue(one.err().contains("two or more"), one.err());
    }
}
