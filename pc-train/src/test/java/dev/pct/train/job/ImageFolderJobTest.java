package dev.pct.train.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.data.DataFormatException;
import dev.pct.train.data.IdxReader;
import dev.pct.train.export.ModelExport;
import dev.pct.train.io.Logits;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.testing.CliRun;
import dev.pct.train.testing.Fixtures;
import dev.pct.train.testing.ForkedJvm;
import dev.pct.train.testing.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job on an image folder read on demand: the tiny IDX set's images, enlarged to mixed sizes between 96 and
 * 208 pixels and written as PNG and JPEG files, with the committed TorchScript old model, which takes 8x8
 * grayscale input of its own normalization, and a new model that takes 16x16 RGB.
 */
class ImageFolderJobTest {
    private static final Path MODELS = Fixtures.models();
    /** The heap of the small-heap run: a third of the folder's decoded size, or less. */
    private static final int SMALL_HEAP_MB = 64;

    @TempDir
    static Path shared;

    private static Path folder;
    private static long decodedBytes;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeImageFolder() throws IOException {
        folder = shared.resolve("images");
        decodedBytes = Fixtures.imageFolder(IdxReader.readDirectory(MODELS.resolve("tiny"), true, 4),
                folder.resolve("train"), 96)
                + Fixtures.imageFolder(IdxReader.readDirectory(MODELS.resolve("tiny"), false, 4),
                        folder.resolve("test"), 96);
    }

    private Path job(Path data, String extra) throws IOException {
        return Fixtures.imageFolderJob(tmp, data, extra);
    }

    private static ForkedJvm.Outcome train(Path job, Path runDir, int heapMb) throws IOException, InterruptedException {
        return ForkedJvm.run(ForkedJvm.testClassPath(), List.of("-Xmx" + heapMb + "m", "-Dai.djl.offline=true"),
                "dev.pct.train.cli.PcTrainCli", List.of("train", job.toString(), "--run-dir", runDir.toString()), 600);
    }

    @Test
    void aFolderLargerThanTheHeapTrainsToTheSameResultAsWithALargeHeap() throws Exception {
        assertTrue(decodedBytes > 3L * SMALL_HEAP_MB << 20,
                "the folder must not fit the small heap: " + (decodedBytes >> 20) + " MiB decoded");
        Path job = job(folder, "");
        Path small = tmp.resolve("small");
        Path large = tmp.resolve("large");
        ForkedJvm.Outcome smallRun = train(job, small, SMALL_HEAP_MB);
        assertEquals(0, smallRun.status(), smallRun.output());
        ForkedJvm.Outcome largeRun = train(job, large, 1024);
        assertEquals(0, largeRun.status(), largeRun.output());
        // 0f here and below: the same seeded CPU run whatever the heap, and a recomputed cache is the same ops.
        for (String stage : List.of("baseline", "pc")) {
            assertArrayEquals(Logits.read(large.resolve("seed-1/" + stage + "/logits-test.bin"), 256, 4),
                    Logits.read(small.resolve("seed-1/" + stage + "/logits-test.bin"), 256, 4), 0f, stage);
        }
        try (LogitCache a = LogitCache.openExisting(small.resolve("old/teacher-train.logits"));
                LogitCache b = LogitCache.openExisting(large.resolve("old/teacher-train.logits"))) {
            assertArrayEquals(b.readAll(), a.readAll(), 0f);
            assertEquals(691, a.rows(), "768 training images less the validation tenth");
        }
        // The old model still recognizes its digits through two resizes of its own preprocessing.
        String report = Files.readString(small.resolve("report.md"));
        assertTrue(report.contains("## Throughput") && report.contains("images/s with 2 worker threads"), report);
        String info = Files.readString(small.resolve("run-info.json"));
        assertTrue(info.contains("\"max_heap_mb\" : " + SMALL_HEAP_MB), info);
    }

    @Test
    void aTruncatedTeacherCacheIsRecomputedAndTheResumedRunEndsAlike() throws IOException {
        JobConfig config = JobConfigLoader.load(job(folder, ""));
        Path whole = tmp.resolve("whole");
        PcJob.run(config, whole);
        // A copy of the run killed while writing its cache and before training: the cache cut mid-data.
        Path cut = tmp.resolve("cut");
        Files.createDirectories(cut.resolve("old"));
        Files.copy(whole.resolve("config.yaml"), cut.resolve("config.yaml"));
        Files.copy(whole.resolve("run-info.json"), cut.resolve("run-info.json"));
        Path cache = cut.resolve("old/teacher-train.logits");
        Files.copy(whole.resolve("old/teacher-train.logits"), cache);
        try (FileChannel channel = FileChannel.open(cache, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 1000);
        }
        PcJob.run(JobConfigLoader.load(cut.resolve("config.yaml")), cut);
        assertTrue(Files.readString(cut.resolve("train.log")).contains("truncated"),
                "the log says why the cache was recomputed");
        try (LogitCache a = LogitCache.openExisting(whole.resolve("old/teacher-train.logits"));
                LogitCache b = LogitCache.openExisting(cache)) {
            assertArrayEquals(a.readAll(), b.readAll(), 0f);
        }
        assertArrayEquals(Logits.read(whole.resolve("seed-1/pc/logits-test.bin"), 256, 4),
                Logits.read(cut.resolve("seed-1/pc/logits-test.bin"), 256, 4), 0f);
    }

    @Test
    void anExportedModelIsScoredOnTheCenterCropsItTrainedOn() throws IOException {
        // The job's images are not square and the job center-crops them (crop_fraction 0.875): stretching them
        // instead, as predict once did for every model directory, gives the model other inputs.
        Path run = tmp.resolve("run");
        PcJob.run(JobConfigLoader.load(job(folder, "")), run);
        Path model = run.resolve("seed-1/pc/model");
        JsonNode input = new ObjectMapper().readTree(model.resolve(ModelExport.METADATA).toFile()).path("input");
        assertEquals("center_crop", input.path("resize").asText(), input.toString());
        assertEquals(0.875, input.path("crop_fraction").asDouble(), input.toString());

        float[] trained = Logits.read(run.resolve("seed-1/pc/logits-test.bin"), 256, 4);
        Path csv = tmp.resolve("pc-test.csv");
        CliRun.Result predicted = CliRun.run("predict", model.toString(), run.resolve("config.yaml").toString(),
                "--split", "test", "--out", csv.toString(), "--device", "cpu");
        assertEquals(0, predicted.status(), predicted.err());
        // The export holds the normalization the job measured, so its logits match to float rounding only.
        assertArrayEquals(trained, PredictionFiles.readLogits(csv, 4), 1e-4f, "the report's logits");

        // Told to crop otherwise (half the shorter side), the model sees other inputs: the check above can fail.
        Path stretched = tmp.resolve("half-crop.csv");
        assertEquals(0, CliRun.run("predict", model.toString(), run.resolve("config.yaml").toString(), "--split",
                "test", "--out", stretched.toString(), "--device", "cpu", "--center-crop", "0.5").status());
        float[] other = PredictionFiles.readLogits(stretched, 4);
        double largest = 0;
        for (int i = 0; i < other.length; i++) {
            largest = Math.max(largest, Math.abs(other[i] - trained[i]));
        }
        assertTrue(largest > 1e-2, "other crops give other logits, largest difference " + largest);
    }

    @Test
    void anUnreadableImageStopsTheJobWithTheFileNamed() throws IOException {
        Path broken = tmp.resolve("broken");
        Trees.copy(folder, broken);
        Path bad = broken.resolve("train/class-2/0100.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0});
        // Given statistics, so that the first pass over the images is the old model's teacher cache.
        JobConfig config = JobConfigLoader.load(job(broken, ""), List.of("data.mean=[0.5, 0.5, 0.5]",
                "data.std=[0.25, 0.25, 0.25]"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> PcJob.run(config, tmp.resolve("run")));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }
}
