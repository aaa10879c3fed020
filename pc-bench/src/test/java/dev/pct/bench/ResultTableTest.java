package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {

    private static String result(String method, String params, double score, String unit) {
        return "{\"benchmark\":\"dev.pct.bench." + method + "\",\"mode\":\"avgt\",\"params\":{"
                + params + "},\"primaryMetric\":{\"score\":" + score
                + ",\"scoreError\":0.5,\"scoreUnit\":\"" + unit + "\"}}";
    }

    private static String loss(String device, int n, int c, String distance, String impl) {
        return "\"device\":\"" + device + "\",\"batchSize\":\"" + n + "\",\"numClasses\":\"" + c
                + "\",\"distance\":\"" + distance + "\",\"impl\":\"" + impl + "\"";
    }

    private static final String JSON = "["
            + result("LossPathBenchmark.focalDistillation", loss("cpu", 256, 10, "kl_tau1", "naive"),
                    100, "us/op") + ","
            + result("LossPathBenchmark.focalDistillation", loss("cpu", 256, 10, "kl_tau1", "pct"),
                    20, "us/op") + ","
            + result("LossPathBenchmark.crossEntropy",
                    "\"device\":\"cpu\",\"batchSize\":\"256\",\"numClasses\":\"10\"", 0.01, "ms/op")
            + ","
            + result("LossPathBenchmark.focalDistillation", loss("cpu", 1024, 1000, "lm", "naive"),
                    50, "ms/op") + ","
            // Throughput unit: 0.1 ops/ms is 10 ms per operation.
            + result("LossPathBenchmark.focalDistillation", loss("cpu", 1024, 1000, "lm", "pct"),
                    0.1, "ops/ms") + ","
            // A GPU case skipped for want of a GPU: an empty call, dropped.
            + result("LossPathBenchmark.focalDistillation", loss("gpu", 256, 10, "kl_tau1", "pct"),
                    0.002, "us/op") + ","
            + result("CopyBandwidthBenchmark.ndarrayDuplicate", "\"device\":\"cpu\"", 10000, "us/op")
            + ","
            + result("CopyBandwidthBenchmark.arraycopy", "", 20, "ms/op") + ","
            + result("TrainingStepBenchmark.trainingStep",
                    "\"device\":\"cpu\",\"model\":\"mlp\",\"loss\":\"ce\"", 1000, "us/op") + ","
            + result("TrainingStepBenchmark.trainingStep",
                    "\"device\":\"cpu\",\"model\":\"mlp\",\"loss\":\"focal_kl\"", 1250, "us/op")
            + "]";

    @Test
    void lossPathRowsComputeRatesSpeedUpAndBandwidth(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("jmh.json");
        Files.writeString(file, JSON);
        List<ResultTable.Result> results = ResultTable.read(file);
        assertEquals(9, results.size(), "the skipped GPU case is dropped");

        List<ResultTable.LossPathRow> rows = ResultTable.lossPathRows(results);
        assertEquals(2, rows.size());
        ResultTable.LossPathRow small = rows.get(0);
        assertEquals(256, small.batchSize());
        // 256 samples / 100 us = 2.56 M/s; / 20 us = 12.8 M/s; speed-up 100 / 20 = 5.
        assertEquals(2.56e6, small.naiveSamplesPerSecond(), 1e-3);
        assertEquals(1.28e7, small.pctSamplesPerSecond(), 1e-2);
        assertEquals(5.0, small.speedUp(), 1e-12);
        // 0.01 ms = 10 us: 25.6 M/s.
        assertEquals(2.56e7, small.crossEntropySamplesPerSecond(), 1e-2);
        assertTrue(Double.isNaN(small.pctBytesPerSecond()), "small case has no bandwidth");

        ResultTable.LossPathRow large = rows.get(1);
        assertEquals("lm", large.distance());
        // 50 ms vs 10 ms: 5x; bytes 3 * 1024 * 1000 * 4 = 12,288,000 per 10 ms = 1.2288e9 B/s.
        assertEquals(5.0, large.speedUp(), 1e-9);
        assertEquals(1.2288e9, large.pctBytesPerSecond(), 1.0);
        // Copy: 2 * 48 MiB = 100,663,296 B per 10 ms = 1.00663296e10 B/s (engine copy preferred).
        assertEquals(1.00663296e10, large.copyBytesPerSecond(), 10.0);
        assertTrue(Double.isNaN(large.crossEntropySamplesPerSecond()));
    }

    @Test
    void trainingStepRowsComputeOverhead() {
        List<ResultTable.TrainingStepRow> rows =
                ResultTable.trainingStepRows(ResultTable.parse(JSON));
        assertEquals(1, rows.size());
        // 1000 us -> 1000 steps/s; 1250 us -> 800 steps/s; overhead 1250 / 1000 - 1 = 0.25.
        assertEquals(1000.0, rows.get(0).crossEntropyStepsPerSecond(), 1e-9);
        assertEquals(800.0, rows.get(0).focalStepsPerSecond(), 1e-9);
        assertEquals(0.25, rows.get(0).overhead(), 1e-12);
    }

    @Test
    void arraycopyBandwidthIsTheCpuFallback() {
        List<ResultTable.Result> results = ResultTable.parse("["
                + result("CopyBandwidthBenchmark.arraycopy", "", 20, "ms/op") + "]");
        // 2 * 64 MiB = 134,217,728 B per 20 ms = 6.7108864e9 B/s.
        assertEquals(6.7108864e9, ResultTable.copyBytesPerSecond(results, "cpu"), 1.0);
        assertTrue(Double.isNaN(ResultTable.copyBytesPerSecond(results, "gpu")));
    }

    @Test
    void renderedMarkdownShowsTheSpeedUp() {
        String table = ResultTable.render(ResultTable.parse(JSON));
        assertTrue(table.contains("| 5.00×"), table);
        assertTrue(table.contains("+25.0 %"), table);
        assertTrue(table.contains("| 1.2 "), "pct GB/s of the large case: " + table);
    }

    @Test
    void unknownUnitIsRejectedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultTable.parse("[" + result("CopyBandwidthBenchmark.arraycopy", "", 1,
                        "furlongs/op") + "]"));
        assertTrue(e.getMessage().contains("furlongs"), e.getMessage());
    }

    @Test
    void nonArrayIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ResultTable.parse("{}"));
    }
}
