package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tables from hand-written result files ({@code src/test/resources/results}): a JMH run with
 * per-iteration counters, the PyTorch anchor's JSON and an op census. Every expected number below
 * is worked out from those files in the comments.
 */
class ResultTableTest {

    private static List<JmhResult> results;
    private static PyTorchAnchor anchor;
    private static OpCensus.Census census;

    @BeforeAll
    static void readFixtures() throws URISyntaxException {
        results = JmhResult.read(fixture("jmh.json"));
        anchor = PyTorchAnchor.read(fixture("pytorch.json"));
        census = OpCensus.read(fixture("census.json"));
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(ResultTableTest.class.getResource("/results/" + name).toURI());
    }

    static String text(String name) throws IOException {
        try (InputStream in = ResultTableTest.class.getResourceAsStream("/results/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ResultTable.LossPathRow row(int n) {
        return ResultTable.lossPathRows(results, anchor, census).stream()
                .filter(r -> r.batchSize() == n)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void smallCaseMediansRangesAndRatioFromPerIterationCounters() {
        List<ResultTable.LossPathRow> rows = ResultTable.lossPathRows(results, anchor, census);
        assertEquals(2, rows.size(), "the skipped GPU case and PyTorch-only cases give no row");
        ResultTable.LossPathRow r = rows.get(0);
        assertEquals("cpu", r.device());
        assertEquals(256, r.batchSize());
        assertEquals("kl_tau1", r.distance());
        // naive: 1.0e6, 1.2e6, 0.9e6 ns over 10 calls = 100, 120, 90 us.
        assertSpread(100, 90, 120, 3, r.naiveMicros());
        // pct: 2e5, 2e5, 2.5e5 ns over 10 calls = 20, 20, 25 us.
        assertSpread(20, 20, 25, 3, r.pctMicros());
        // CE: 10, 11, 9 us.
        assertSpread(10, 9, 11, 3, r.crossEntropyMicros());
        // Per iteration: 100/20 = 5, 120/20 = 6, 90/25 = 3.6. Not the ratio of the medians' ranges.
        assertSpread(5, 3.6, 6, 3, r.pctVersusNaive());
        // pct at tau 1: 1e5, 1.25e5, 1e5 ns over 10 calls = 10, 12.5, 10 us; pct / tau 1 per iteration
        // 20/10 = 2, 20/12.5 = 1.6, 25/10 = 2.5.
        assertSpread(2, 1.6, 2.5, 3, r.pctVersusTau1());
        // PyTorch idiomatic blocks 30, 36, 33 us; naive 40, 44, 42 us.
        assertSpread(33, 30, 36, 3, r.torchIdiomaticMicros());
        assertSpread(42, 40, 44, 3, r.torchNaiveMicros());
        // pct vs torch: 33 / 20 = 1.65; min 30 / 25 = 1.2; max 36 / 20 = 1.8.
        assertSpread(1.65, 1.2, 1.8, 3, r.pctVersusTorch());
        assertEquals(new ResultTable.OpCounts(16, 48, 14, 33, 45), r.ops());
        assertTrue(Double.isNaN(r.pctBytesPerSecond()), "N·C = 2560 has no bandwidth column");
    }

    @Test
    void largeCaseEvenCountsTwoForksAndAnIterationWithoutSteps() {
        ResultTable.LossPathRow r = row(1024);
        // Two forks of two iterations, flattened: naive 1e8, 1.04e8, 1.02e8, 9.8e7 ns over 2 calls
        // = 50000, 52000, 51000, 49000 us; median of four = (50000 + 51000) / 2.
        assertSpread(50500, 49000, 52000, 4, r.naiveMicros());
        // pct 10000, 10400, 10000, 9800 us: median (10000 + 10000) / 2.
        assertSpread(10000, 9800, 10400, 4, r.pctMicros());
        // Ratios 5, 5, 5.1, 5: median (5 + 5) / 2 = 5, max 5.1.
        assertSpread(5, 5, 5.1, 4, r.pctVersusNaive());
        // A result without the tau-1 counters has no such ratio.
        assertEquals(Spread.NONE, r.pctVersusTau1());
        // The last iteration ran no CE step: 1000, 1000, 1000 us and a NaN left out.
        assertSpread(1000, 1000, 1000, 3, r.crossEntropyMicros());
        // Idiomatic blocks 20000, 20500, 19500, 20000, 20000: median 20000.
        // Ratio 20000 / 10000 = 2; min 19500 / 10400 = 1.875; max 20500 / 9800 = 2.0918...
        assertSpread(2.0, 1.875, 20500.0 / 9800.0, 4, r.pctVersusTorch());
        // 3 * 1024 * 1000 * 4 B = 12,288,000 B per 10000 us = 1.2288e9 B/s.
        assertEquals(1.2288e9, r.pctBytesPerSecond(), 1.0);
        // Engine copy preferred: 2 * 48 MiB = 100,663,296 B per 10 ms = 1.00663296e10 B/s.
        assertEquals(1.00663296e10, r.copyBytesPerSecond(), 10.0);
        assertEquals(new ResultTable.OpCounts(12, 44, 14, 27, 39), r.ops());
    }

    @Test
    void ratioOutsideTwentyPercentOrWithOneSampleIsMarked() {
        // 3.6 is 28 % below 5: not a result.
        assertEquals("5.00× [3.60–6.00] †", ResultTable.ratio(row(256).pctVersusNaive()));
        // 1.2 is 27 % below 1.65.
        assertEquals("1.65× [1.20–1.80] †", ResultTable.ratio(row(256).pctVersusTorch()));
        // 5.1 is 2 % above 5; 1.875 and 2.09 are within 6 % of 2.
        assertEquals("5.00× [5.00–5.10]", ResultTable.ratio(row(1024).pctVersusNaive()));
        assertEquals("2.00× [1.88–2.09]", ResultTable.ratio(row(1024).pctVersusTorch()));
        assertEquals("3.00× [n=1] †", ResultTable.ratio(Spread.of(3.0)));
        assertEquals("–", ResultTable.ratio(Spread.NONE));
        // Exactly at the edge is still within: 4 and 6 around 5.
        assertEquals("5.00× [4.00–6.00]", ResultTable.ratio(Spread.of(4, 5, 6)));
    }

    @Test
    void renderedTableShowsTimesRatiosOpsAndTheMarkExplained() {
        String table = ResultTable.render(results, anchor, census);
        // Medians 100, 20, 10 us; the ratio; PyTorch 33 and 42 us; ops; µs per op of the naive
        // forms: DJL 100 / 48 = 2.08, PyTorch 42 / 45 = 0.93; no GB/s for a small case.
        assertCells(table, "cpu", "256", "10", "kl_tau1", "100.0", "20.0", "10.0",
                "5.00× [3.60–6.00] †", "33.0", "42.0", "1.65× [1.20–1.80] †", "16 · 48 · 14 · 33",
                "2.08 · 0.93", "–", "–", "2.00× [1.60–2.50] †");
        // µs per op: DJL 50500 / 44 = 1148, PyTorch 60000 / 39 = 1538.
        assertCells(table, "1024", "1000", "lm", "50500", "10000", "1000", "5.00× [5.00–5.10]",
                "20000", "60000", "2.00× [1.88–2.09]", "12 · 44 · 14 · 27", "1148 · 1538", "1.2",
                "10.1", "–");
        assertTrue(table.contains("†: the range leaves ±20 % of the median, or there are fewer"
                + " than two samples: not a result."), table);
        assertTrue(table.contains("+25.0 %"), "training step overhead: " + table);
    }

    @Test
    void headerRecordsThreadsVersionsAndSamples() {
        String table = ResultTable.render(results, anchor, census);
        assertTrue(table.contains("libtorch intra-op 2, inter-op 1 in every JMH fork"), table);
        assertTrue(table.contains("PyTorch intra-op 2, inter-op 1"), table);
        assertTrue(table.contains("JVM 17.0.15 OpenJDK 64-Bit Server VM 17.0.15+6-Debian-1deb12u1"),
                table);
        assertTrue(table.contains("DJL 0.36.0, libtorch 2.7.1"), table);
        assertTrue(table.contains("torch 1.13.0a0, Python 3.11.2"), table);
        // 3 iterations in one case, 4 in the other; PyTorch blocks 3, 5 and 1 in its cases.
        assertTrue(table.contains("Samples per range: 3–4 JMH iterations, 1–5 PyTorch blocks"),
                table);
    }

    @Test
    void withoutPyTorchAndCensusTheirColumnsAreEmpty() {
        ResultTable.LossPathRow r = ResultTable.lossPathRows(results, null, null).get(0);
        assertEquals(0, r.pctVersusTorch().samples());
        assertEquals(new ResultTable.OpCounts(-1, -1, -1, -1, -1), r.ops());
        String table = ResultTable.render(results);
        // No PyTorch times, ratio, op counts or µs per op.
        assertCells(table, "5.00× [3.60–6.00] †", "–", "–", "–", "– · – · – · –", "– · –");
        assertFalse(table.contains("PyTorch intra-op"), table);
        assertTrue(table.contains("libtorch intra-op 2"), table);
    }

    @Test
    void unpinnedForksAreSaidToBe() {
        List<JmhResult> unpinned = JmhResult.parse("[{\"benchmark\":"
                + "\"dev.pct.bench.LossPathBenchmark.interleaved\",\"params\":{\"device\":\"cpu\","
                + "\"batchSize\":\"8\",\"numClasses\":\"2\",\"distance\":\"lm\"},\"jvmArgs\":[],"
                + "\"primaryMetric\":{\"score\":1.0,\"scoreUnit\":\"us/op\"}}]");
        assertTrue(ResultTable.render(unpinned).contains("intra-op not pinned"));
    }

    @Test
    void countersOfDifferentLengthsAreRejected() {
        List<JmhResult> bad = JmhResult.parse("[{\"benchmark\":"
                + "\"dev.pct.bench.LossPathBenchmark.interleaved\",\"params\":{\"device\":\"cpu\","
                + "\"batchSize\":\"8\",\"numClasses\":\"2\",\"distance\":\"lm\"},"
                + "\"primaryMetric\":{\"score\":1.0,\"scoreUnit\":\"us/op\"},\"secondaryMetrics\":{"
                + "\"pctNanos\":{\"rawData\":[[1.0,2.0]]},\"pctCalls\":{\"rawData\":[[1.0]]}}}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultTable.lossPathRows(bad, null, null));
        assertTrue(e.getMessage().contains("pctNanos has 2 iterations but pctCalls has 1"),
                e.getMessage());
    }

    @Test
    void trainingStepRowsComputeOverhead() {
        List<ResultTable.TrainingStepRow> rows = ResultTable.trainingStepRows(results);
        assertEquals(1, rows.size());
        // 1000 us -> 1000 steps/s; 1250 us -> 800 steps/s; overhead 1250 / 1000 - 1 = 0.25.
        assertEquals(1000.0, rows.get(0).crossEntropyStepsPerSecond(), 1e-9);
        assertEquals(800.0, rows.get(0).focalStepsPerSecond(), 1e-9);
        assertEquals(0.25, rows.get(0).overhead(), 1e-12);
    }

    @Test
    void arraycopyBandwidthIsTheCpuFallback() {
        List<JmhResult> copy = JmhResult.parse("[{\"benchmark\":"
                + "\"dev.pct.bench.CopyBandwidthBenchmark.arraycopy\",\"primaryMetric\":"
                + "{\"score\":20,\"scoreUnit\":\"ms/op\"}}]");
        // 2 * 64 MiB = 134,217,728 B per 20 ms = 6.7108864e9 B/s.
        assertEquals(6.7108864e9, ResultTable.copyBytesPerSecond(copy, "cpu"), 1.0);
        assertTrue(Double.isNaN(ResultTable.copyBytesPerSecond(copy, "gpu")));
    }

    @Test
    void pyTorchAnchorAndCensusAreReadByCase() throws IOException {
        assertEquals("1.13.0a0", anchor.torchVersion());
        assertEquals(2, anchor.threads());
        assertEquals(3, anchor.cases().size());
        PyTorchAnchor.Case small = anchor.cases().get("cpu|256|10|kl_tau1");
        assertEquals(45, small.naive().opsPerCall());
        assertEquals(33, small.idiomatic().opsPerCall());
        assertEquals(16, census.ops("cpu|256|10|kl_tau1", LossImplementation.PCT));
        assertEquals(-1, census.ops("cpu|4096|10|lm", LossImplementation.PCT));
        assertEquals("2.7.1", census.engineVersion());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PyTorchAnchor.parse(text("pytorch.json").replace("blockMicros", "blocks")));
        assertTrue(e.getMessage().contains("cpu|256|10|kl_tau1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpCensus.parse("[]"));
    }

    /** Asserts that the cells follow each other in one row, whatever their padding. */
    private static void assertCells(String table, String... cells) {
        StringBuilder regex = new StringBuilder("(?s).*\\|");
        for (String cell : cells) {
            regex.append(" +").append(Pattern.quote(cell)).append(" +\\|");
        }
        assertTrue(table.matches(regex.append(".*").toString()), String.join(" | ", cells)
                + " not found in\n" + table);
    }

    private static void assertSpread(double median, double min, double max, int samples,
            Spread s) {
        assertEquals(median, s.median(), 1e-9, "median");
        assertEquals(min, s.min(), 1e-9, "min");
        assertEquals(max, s.max(), 1e-9, "max");
        assertEquals(samples, s.samples(), "samples");
    }
}
