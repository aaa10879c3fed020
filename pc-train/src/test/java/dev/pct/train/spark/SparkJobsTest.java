package dev.pct.train.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipReport;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.data.IdxReader;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.job.PcJob;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.teacher.TeacherCaches;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The teacher cache and the flip evaluation as Spark jobs in local mode (executors as threads of this JVM, on
 * 127.0.0.1): a small image folder (the tiny IDX set written as PNG and JPEG files of mixed sizes) and the
 * committed TorchScript old model; chunks of 64 rows, so each split is several tasks. What Spark makes is
 * compared with what one process makes for the same job: the cache files byte for byte, the flip counts field
 * for field.
 */
class SparkJobsTest {

    private static final Path MODELS = Fixtures.models();
    private static final String CHUNK_BYTES = TeacherCaches.CHUNK_BYTES_PROPERTY;
    private static final String[] CACHES = {TeacherCaches.TRAIN, TeacherCaches.VALIDATION, TeacherCaches.TEST};

    @TempDir
    static Path shared;

    private static Path folder;

    @TempDir
    Path tmp;

    private String chunkBytesBefore;

    @BeforeAll
    static void writeImageFolder() throws IOException {
        folder = shared.resolve("images");
        Fixtures.imageFolder(IdxReader.readDirectory(MODELS.resolve("tiny"), true, 4), folder.resolve("train"), 12);
        Fixtures.imageFolder(IdxReader.readDirectory(MODELS.resolve("tiny"), false, 4), folder.resolve("test"), 12);
    }

    @BeforeEach
    void smallChunks() {
        chunkBytesBefore = System.getProperty(CHUNK_BYTES);
        // 64 rows of 4 float32 logits: the 691 training rows are 11 chunks, the 77 validation rows 2, the test 4.
        System.setProperty(CHUNK_BYTES, String.valueOf(64 * 4 * Float.BYTES));
        SparkTeacher.FAILURES_TO_INJECT.set(0);
        SparkTeacher.FAIL_FROM_ROW.set(0);
    }

    @AfterEach
    void restoreChunks() {
        if (chunkBytesBefore == null) {
            System.clearProperty(CHUNK_BYTES);
        } else {
            System.setProperty(CHUNK_BYTES, chunkBytesBefore);
        }
        SparkTeacher.FAILURES_TO_INJECT.set(0);
        SparkTeacher.FAIL_FROM_ROW.set(0);
    }

    private JobConfig job(String precision) throws IOException {
        return JobConfigLoader.load(Fixtures.imageFolderJob(tmp, folder, ""),
                List.of("old_model.cache_precision=" + precision));
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        for (String name : CACHES) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                    name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "float16"})
    void theSparkMadeCacheIsTheSingleProcessCacheByteForByte(String precision) throws IOException {
        JobConfig config = job(precision);
        Path one = tmp.resolve("one-process");
        Path spark = tmp.resolve("spark");
        assertEquals(3, PcJob.teacher(config, one).size());
        List<Path> files = SparkTeacher.run(config, spark, "local[2]");
        assertEquals(List.of(spark.resolve(CACHES[0]), spark.resolve(CACHES[1]), spark.resolve(CACHES[2])), files);
        assertSameFiles(one, spark);
        try (LogitCache train = LogitCache.openExisting(spark.resolve(TeacherCaches.TRAIN))) {
            // Several chunks, hence several tasks: 691 rows (90% of 768) in chunks of 64.
            assertEquals(691, train.rows());
            assertEquals(precision.equals("float16") ? LogitCache.Precision.FLOAT16 : LogitCache.Precision.FLOAT32,
                    train.identity().precision());
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheCacheIsStillIdentical() throws IOException {
        JobConfig config = job("float32");
        Path one = tmp.resolve("one-process");
        PcJob.teacher(config, one);
        SparkTeacher.FAILURES_TO_INJECT.set(1);
        // local[2,2]: two task threads, two tries per task (plain local[N] tries once).
        SparkTeacher.run(config, tmp.resolve("retried"), "local[2,2]");
        assertEquals(0, SparkTeacher.FAILURES_TO_INJECT.get(), "the failure was injected");
        assertSameFiles(one, tmp.resolve("retried"));
    }

    @Test
    void aTaskThatFailsForGoodStopsTheCommandAndTheRerunComputesOnlyTheRest() throws IOException {
        JobConfig config = job("float32");
        Path one = tmp.resolve("one-process");
        PcJob.teacher(config, one);
        Path dir = tmp.resolve("stopped");
        // One task thread, one try: the train chunks 0-4 are written, the task of chunk 5 (rows 320-383) fails.
        SparkTeacher.FAIL_FROM_ROW.set(320);
        SparkTeacher.FAILURES_TO_INJECT.set(1);
        IOException e = assertThrows(IOException.class, () -> SparkTeacher.run(config, dir, "local[1]"));
        assertTrue(e.getMessage().contains("Spark could not compute the old model's train logits of rows [320, 384)")
                && e.getMessage().contains("injected"), e.getMessage());
        int before = SparkTeacher.TASKS_RUN.get();
        SparkTeacher.run(config, dir, "local[2]");
        // 11 - 5 train chunks, then 2 validation and 4 test chunks.
        assertEquals(6 + 2 + 4, SparkTeacher.TASKS_RUN.get() - before, "tasks of the rerun");
        assertSameFiles(one, dir);
    }

    @Test
    void twoJobsSharingTheSparkMadeCacheEndAsAJobWithItsOwnAndOtherDataIsRefused() throws IOException {
        JobConfig config = job("float32");
        Path spark = tmp.resolve("spark");
        SparkTeacher.run(config, spark, "local[2]");
        Path jobFile = tmp.resolve("job.yaml");
        Files.writeString(jobFile, config.toYaml());
        Path own = tmp.resolve("own");
        CliRun.Result alone = CliRun.run("train", jobFile.toString(), "--run-dir", own.toString());
        assertEquals(0, alone.status(), alone.err());
        for (String run : new String[] {"first", "second"}) {
            CliRun.Result result = CliRun.run("train", jobFile.toString(), "--run-dir", tmp.resolve(run).toString(),
                    "--set", "old_model.cache=" + spark);
            assertEquals(0, result.status(), result.err());
            assertEquals(Files.readString(own.resolve("metrics.json")),
                    Files.readString(tmp.resolve(run).resolve("metrics.json")), run);
        }
        CliRun.Result refused = CliRun.run("train", jobFile.toString(), "--run-dir", tmp.resolve("other").toString(),
                "--set", "old_model.cache=" + spark, "--set", "data.validation_fraction=0.2");
        assertNotEquals(0, refused.status());
        assertTrue(refused.err().contains("old_model.cache") && refused.err().contains("refused"), refused.err());
    }

    @Test
    void sparksFlipCountsEqualThoseOfPredictAndCompareAndOfOneProcess() throws Exception {
        JobConfig config = job("float32");
        Path jobFile = tmp.resolve("job.yaml");
        Files.writeString(jobFile, config.toYaml());
        Path run = tmp.resolve("run");
        CliRun.Result trained = CliRun.run("train", jobFile.toString(), "--run-dir", run.toString());
        assertEquals(0, trained.status(), trained.err());
        Path oldModel = run.resolve("seed-1/baseline/model");
        Path newModel = run.resolve("seed-1/pc/model");
        Path oldCsv = tmp.resolve("old.csv");
        Path newCsv = tmp.resolve("new.csv");
        // predict takes the job's images, not its resizing: the job crops the center (data.resize), so say so.
        assertEquals(0, CliRun.run("predict", oldModel.toString(), jobFile.toString(), "--out", oldCsv.toString(),
                "--center-crop", "0.875").status());
        assertEquals(0, CliRun.run("predict", newModel.toString(), jobFile.toString(), "--out", newCsv.toString(),
                "--center-crop", "0.875").status());
        // A predict CSV carries the labels too.
        FlipReport compared = PredictionFiles.compare(oldCsv, oldCsv, newCsv, 4);
        FlipReport spark = SparkEvaluation.run(config, oldModel, newModel, false, "local[2]");
        assertEquals(compared, spark);
        assertEquals(256, spark.total());
        assertTrue(spark.negativeFlips() > 0 && spark.positiveFlips() > 0, "the two models differ both ways");
        // A parameter file scored in Spark tasks against one process.
        Path params = run.resolve("seed-1/pc/final.params");
        assertEquals(PcJob.evaluate(config, oldModel, params), SparkEvaluation.run(config, oldModel, params, false,
                "local[2]"));
    }

    @Test
    void rangesStartOnBatchBoundariesAndCoverTheSet() {
        // 256 samples in batches of 32 are 8 batches: 3 ranges of 3, 3 and 2 batches.
        List<int[]> ranges = SparkEvaluation.ranges(256, 32, 3);
        assertEquals(3, ranges.size());
        assertArrayEquals(new int[] {0, 96}, ranges.get(0));
        assertArrayEquals(new int[] {96, 192}, ranges.get(1));
        assertArrayEquals(new int[] {192, 256}, ranges.get(2));
        // 70 samples, 3 batches (the last of 6), 8 parts asked for: one range per batch.
        List<int[]> small = SparkEvaluation.ranges(70, 32, 8);
        assertEquals(3, small.size());
        assertArrayEquals(new int[] {64, 70}, small.get(2));
    }
}
