package dev.pct.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    // Ratios of small counts, and means and sample stds over two seeds, in double, through JSON (which round-trips
    // doubles): a few ulps (< 1e-15) from the closed forms written here; 1e-12 only absorbs the last bits.
    private static final double EPS = 1e-12;

    // Six samples, three classes.
    //  i  label  old  base1 base2  pc1
    //  0    0     0     0     1     0    base2: negative flip
    //  1    1     1     2     1     1    base1: negative flip
    //  2    2     2     2     2     2
    //  3    0     1     0     0     0    all new: positive flip
    //  4    1     1     1     0     1    base2: negative flip
    //  5    2     0     0     0     0    all wrong
    // old errors 2/6; base1 errors {1,5} 2/6, NF 1, PF 1; base2 errors {0,4,5} 3/6, NF 2, PF 1;
    // pc errors {5} 1/6, NF 0, PF 1.
    static final int[] LABELS = {0, 1, 2, 0, 1, 2};
    static final int[] OLD = {0, 1, 2, 1, 1, 0};
    static final int[] BASE1 = {0, 2, 2, 0, 1, 0};
    static final int[] BASE2 = {1, 1, 2, 0, 0, 0};
    static final int[] PC1 = {0, 1, 2, 0, 1, 0};

    @TempDir Path dir;

    private static FlipReport flips(int[] predictions) {
        FlipAccumulator acc = new FlipAccumulator(3);
        acc.add(LABELS, OLD, predictions);
        return acc.report();
    }

    private static RunResults results() {
        List<EpochRecord> history =
                List.of(
                        new EpochRecord("old", 7, 1, 1.25, 1.25, Double.NaN, 0.4, Double.NaN, Double.NaN, 0.5, 0.0, 1000.0, 2.5, 0.01),
                        new EpochRecord("old", 7, 2, 0.75, 0.75, Double.NaN, 0.3, Double.NaN, Double.NaN, 0.33, 0.0, 1100.0, 2.0, 0.02),
                        new EpochRecord("pc", 1, 1, 1.5, 1.0, 0.5, 0.35, 0.3, 0.05, 0.3, 0.1, 900.0, 3.0, Double.NaN),
                        new EpochRecord("pc", 1, 2, 1.0, 0.625, 0.375, 0.2, 0.2, 0.04, 0.16, 0.0, 950.0, 3.0, 0.0, 0.125));
        return new RunResults(
                LABELS,
                OLD,
                List.of(
                        new ModelResult("old", 7, OLD, null),
                        new ModelResult("baseline", 1, BASE1, flips(BASE1)),
                        new ModelResult("baseline", 2, BASE2, flips(BASE2)),
                        new ModelResult("pc", 1, PC1, flips(PC1))),
                history);
    }

    private List<Path> write() throws IOException {
        return ReportWriter.builder()
                .setRunDirectory(dir.resolve("run"))
                .optChartSize(300, 200)
                .build()
                .write(results());
    }

    @Test
    void negativeFlipCsvsListHandFoundFlips() throws IOException {
        write();
        Path run = dir.resolve("run");
        assertEquals(
                List.of(
                        ReportWriter.NEGATIVE_FLIPS_HEADER,
                        "1,1,1,2,baseline,1",
                        "0,0,0,1,baseline,2",
                        "4,1,1,0,baseline,2"),
                Files.readAllLines(run.resolve("negative_flips_baseline.csv")));
        assertEquals(
                List.of(ReportWriter.NEGATIVE_FLIPS_HEADER), Files.readAllLines(run.resolve("negative_flips_pc.csv")));
        assertFalse(Files.exists(run.resolve("negative_flips_old.csv")));
    }

    @Test
    void historyCsvHasEveryRecordAndEmptyCellsForNaN() throws IOException {
        write();
        List<String> lines = Files.readAllLines(dir.resolve("run").resolve(ReportWriter.HISTORY_CSV));
        assertEquals(5, lines.size());
        assertEquals(ReportWriter.HISTORY_HEADER, lines.get(0));
        // An unmeasured data-wait or evaluation share is an empty cell like any NaN.
        assertEquals("old,7,1,1.25,1.25,,0.4,,,0.5,0.0,1000.0,2.5,0.01,", lines.get(1));
        assertEquals("pc,1,1,1.5,1.0,0.5,0.35,0.3,0.05,0.3,0.1,900.0,3.0,,", lines.get(3));
        assertEquals("pc,1,2,1.0,0.625,0.375,0.2,0.2,0.04,0.16,0.0,950.0,3.0,0.0,0.125", lines.get(4));
    }

    @Test
    void throughputSectionWeighsEpochsByTheirTime() throws IOException {
        ReportWriter.builder().setRunDirectory(dir.resolve("run")).optLoadingRate(new ReportWriter.LoadingRate(
                5000, 2)).build().write(results());
        String md = Files.readString(dir.resolve("run").resolve(ReportWriter.REPORT_MD));
        assertTrue(md.contains("5000 images/s with 2 worker threads"), md);
        // old: (1000 * 2.5 + 1100 * 2) / 4.5 = 1044.4 images/s; waited (0.01 * 2.5 + 0.02 * 2) / 4.5 = 1.44%.
        assertTrue(md.contains("| old | 1044 | 1.4% |"), md);
        // pc: (900 * 3 + 950 * 3) / 6 = 925; only epoch 2 measured its wait: 0 * 3 / 6 = 0%.
        assertTrue(md.contains("| pc | 925 | 0.0% |"), md);
    }

    @Test
    void metricsJsonHoldsReportsAndSeedSummaries() throws IOException {
        write();
        JsonNode root = new ObjectMapper().readTree(dir.resolve("run").resolve(ReportWriter.METRICS_JSON).toFile());
        assertEquals(6, root.get("testSamples").asInt());
        JsonNode models = root.get("models");
        assertEquals(4, models.size());
        // Old first, without a flip report.
        assertEquals("old", models.get(0).get("model").asText());
        assertTrue(models.get(0).get("vsOld").isNull());
        assertEquals(2, models.get(0).get("errors").asLong());
        assertEquals(1.0 / 3.0, models.get(0).get("errorRate").asDouble(), EPS);

        JsonNode base2 = models.get(2).get("vsOld");
        assertEquals("baseline", models.get(2).get("model").asText());
        assertEquals(2, models.get(2).get("seed").asInt());
        assertEquals(6, base2.get("total").asLong());
        assertEquals(3, base2.get("newErrors").asLong());
        assertEquals(2, base2.get("negativeFlips").asLong());
        assertEquals(1, base2.get("positiveFlips").asLong());
        assertEquals(2.0 / 6.0, base2.get("negativeFlipRate").asDouble(), EPS);
        // NFR / ((1 - ER_old) * ER_new) = (1/3) / ((2/3) * (1/2)) = 1
        assertEquals(1.0, base2.get("relativeNegativeFlipRate").asDouble(), EPS);
        assertEquals(2.0 / 3.0, base2.get("negativeFlipImpact").asDouble(), EPS);
        assertTrue(base2.get("negativeFlipRateInterval").get("lower").asDouble() < 1.0 / 3.0);
        assertEquals("[0,4]", base2.get("negativeFlipIndices").toString());
        assertEquals("[2,2,2]", base2.get("samplesPerClass").toString());
        assertEquals("[1,1,0]", base2.get("negativeFlipsPerClass").toString());
        assertEquals(0.5, base2.get("negativeFlipRatePerClass").get(0).asDouble(), EPS);

        JsonNode baseline = root.get("summary").get("baseline");
        double std = Math.sqrt(2) / 12; // two values 1/12 either side of the mean, divisor n-1 = 1
        assertEquals(2, baseline.get("seeds").asInt());
        assertEquals(5.0 / 12.0, baseline.get("errorRate").get("mean").asDouble(), EPS);
        assertEquals(std, baseline.get("errorRate").get("std").asDouble(), EPS);
        assertEquals(0.25, baseline.get("negativeFlipRate").get("mean").asDouble(), EPS);
        assertEquals(std, baseline.get("negativeFlipRate").get("std").asDouble(), EPS);
        assertEquals(1.0 / 6.0, baseline.get("positiveFlipRate").get("mean").asDouble(), EPS);
        assertEquals(0.0, baseline.get("positiveFlipRate").get("std").asDouble(), EPS);
        // relative NFR: seed 1 (1/6) / ((2/3)(1/3)) = 0.75, seed 2 = 1.0
        assertEquals(0.875, baseline.get("relativeNegativeFlipRate").get("mean").asDouble(), EPS);
        assertEquals(0.125 * Math.sqrt(2), baseline.get("relativeNegativeFlipRate").get("std").asDouble(), EPS);

        JsonNode old = root.get("summary").get("old");
        assertTrue(old.get("errorRate").get("std").isNull()); // one seed: no sample std
        assertFalse(old.has("negativeFlipRate"));
        assertTrue(root.get("summary").get("pc").get("negativeFlipRate").get("std").isNull());
    }

    @Test
    void reportMarkdownShowsSideBySideTable() throws IOException {
        write();
        String md = Files.readString(dir.resolve("run").resolve(ReportWriter.REPORT_MD));
        // Old: no NFR; baseline: two seeds, 100 * (0.25 ± sqrt(2)/12); pc: 0/6 with the Wilson
        // upper bound z^2 / (6 + z^2) = 3.8415 / 9.8415 = 39.03%.
        assertTrue(md.contains("| negative flip rate | — | 25.00 ± 11.79 | 0.00 [0.00, 39.03] |"), md);
        assertTrue(md.contains("| measure | old | baseline | pc |"), md);
        assertTrue(md.contains("| seeds | 1 | 2 | 1 |"), md);
        assertTrue(md.contains("#1 (1: 1 → 2)"), md);
        assertTrue(md.contains("#0 (0: 0 → 1), #4 (1: 1 → 0)"), md);
        // Per-class NFR, baseline mean over seeds: class 1 = (1/2 + 1/2) / 2 = 50%, class 0 = (0 + 1/2) / 2.
        assertTrue(md.contains("| 0 | 2 | 25.00 | 0.00 |"), md);
        assertTrue(md.contains("| 1 | 2 | 50.00 | 0.00 |"), md);
        assertTrue(md.contains("(learning_curves.png)"), md);
    }

    @Test
    void chartsArePngsOfTheRequestedSizeAndNoTempFilesRemain() throws IOException {
        List<Path> written = write();
        Path run = dir.resolve("run");
        BufferedImage curves = ImageIO.read(run.resolve(ReportWriter.LEARNING_CURVES_PNG).toFile());
        assertNotNull(curves, "learning curves decode as an image");
        assertEquals(600, curves.getWidth()); // two 300-px panels side by side
        assertEquals(200, curves.getHeight());
        BufferedImage scatter = ImageIO.read(run.resolve(ReportWriter.ERROR_VS_NFR_PNG).toFile());
        assertNotNull(scatter);
        assertEquals(300, scatter.getWidth());
        try (Stream<Path> files = Files.list(run)) {
            List<Path> all = files.toList();
            assertEquals(written.size(), all.size(), all.toString());
            assertTrue(all.stream().noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), all.toString());
        }
        // Rewriting replaces in place.
        assertEquals(written, write());
    }

    @Test
    void runWithoutHistoryOrNewModelsStillWrites() throws IOException {
        ReportWriter.builder()
                .setRunDirectory(dir)
                .build()
                .write(new RunResults(LABELS, OLD, List.of(), List.of()));
        assertTrue(Files.readString(dir.resolve(ReportWriter.REPORT_MD)).contains("No new model"));
        assertNotNull(ImageIO.read(dir.resolve(ReportWriter.ERROR_VS_NFR_PNG).toFile()));
        assertFalse(Files.exists(dir.resolve(ReportWriter.LEARNING_CURVES_PNG)));
    }

    @Test
    void resultsThatDisagreeWithTheirFlipReportAreRejected() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RunResults(LABELS, OLD, List.of(new ModelResult("pc", 3, PC1, flips(BASE1))), List.of()));
        assertTrue(e.getMessage().contains("pc (seed 3)"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new RunResults(LABELS, OLD, List.of(new ModelResult("pc", 3, new int[] {0}, null)), List.of()));
        assertTrue(e.getMessage().contains("1 test predictions"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ReportWriter.builder().build());
    }

    @Test
    void formatTableShowsRatesWithIntervals() {
        Map<String, FlipReport> reports = new LinkedHashMap<>();
        reports.put("baseline", flips(BASE1));
        reports.put("pc", flips(PC1));
        String table = ReportWriter.formatTable(reports);
        String[] lines = table.split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("model"), table);
        assertTrue(lines[1].startsWith("baseline"), table);
        assertTrue(lines[1].contains("16.67 ["), table); // NFR 1/6
        assertTrue(lines[1].contains("0.750"), table); // relative NFR (1/6) / (2/9)
        assertTrue(lines[2].contains("0.00 [0.00, 39.03]"), table);
    }
}
