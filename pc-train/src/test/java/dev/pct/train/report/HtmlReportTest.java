package dev.pct.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html on a hand-made run whose flips, their order and their comparison are worked out below. */
class HtmlReportTest {

    //  i  label  old  baseline  pc  (pc confidence)
    //  0    0     0      1       1   0.60   both: negative flip (shared)
    //  1    1     1      2       1   0.95   baseline only: negative flip (removed by pc)
    //  2    2     2      2       0   0.90   pc only: negative flip (added)
    //  3    0     1      0       0   0.80   both: positive flip
    //  4    1     1      1       2   0.70   pc only: negative flip (added)
    //  5    2     0      0       0   0.50   all wrong
    // pc's negative flips by its confidence, highest first: 2 (0.90), 4 (0.70), 0 (0.60).
    private static final int[] LABELS = {0, 1, 2, 0, 1, 2};
    private static final int[] OLD = {0, 1, 2, 1, 1, 0};
    private static final int[] BASELINE = {1, 2, 2, 0, 1, 0};
    private static final int[] PC = {1, 1, 0, 0, 2, 0};
    private static final float[] PC_CONFIDENCE = {0.60f, 0.95f, 0.90f, 0.80f, 0.70f, 0.50f};
    private static final float[] BASELINE_CONFIDENCE = {0.55f, 0.65f, 0.9f, 0.9f, 0.9f, 0.9f};
    private static final float[] OLD_CONFIDENCE = {0.99f, 0.98f, 0.97f, 0.40f, 0.96f, 0.30f};

    @TempDir Path dir;

    private static FlipReport flips(int[] predictions) {
        FlipAccumulator acc = new FlipAccumulator(3);
        acc.add(LABELS, OLD, predictions);
        return acc.report();
    }

    /** Sample i is a 2x3 gray image whose every pixel is 10 * i + 7. */
    private static BufferedImage image(int i) {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.getRaster().setSample(x, y, 0, 10 * i + 7);
            }
        }
        return image;
    }

    private String render(int pageSize) throws IOException {
        RunResults results = new RunResults(LABELS, OLD, List.of(
                new ModelResult("baseline", 1, BASELINE, flips(BASELINE), BASELINE_CONFIDENCE),
                new ModelResult("pc", 1, PC, flips(PC), PC_CONFIDENCE)), List.of(), OLD_CONFIDENCE);
        Path run = dir.resolve("run");
        ReportWriter.builder().setRunDirectory(run).optClassNames(List.of("cat", "dog", "owl"))
                .optTestImages(HtmlReportTest::image).optGalleryPageSize(pageSize).optChartSize(300, 200)
                .optTitle("hand-made").build().write(results);
        return Files.readString(run.resolve(ReportWriter.REPORT_HTML));
    }

    /** The panel of a card, from its opening tag to the next panel or the card's end. */
    private static String panel(String html, String model, String panel) {
        int card = html.indexOf("<h3>" + model + " <span class=\"muted\">seed 1</span></h3>");
        assertTrue(card >= 0, model + " has a card");
        int start = html.indexOf("data-panel=\"" + panel + "\"", card);
        int end = html.indexOf("</article>", start);
        int next = html.indexOf("data-panel=", start + 1);
        return html.substring(start, next >= 0 && next < end ? next : end);
    }

    private static List<Integer> indices(String panel) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("<figure class=\"flip\" data-index=\"(\\d+)\"").matcher(panel);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void galleryListsEachNegativeFlipMostConfidentlyWrongFirstWithBothConfidences() throws IOException {
        String html = render(100);
        String negative = panel(html, "pc", "negative");
        assertEquals(List.of(2, 4, 0), indices(negative));
        // Sample 2: true owl, old owl at 97%, pc cat at 90%; it is not among the baseline's flips.
        Matcher two = Pattern.compile("data-index=\"2\".*?</figure>", Pattern.DOTALL).matcher(negative);
        assertTrue(two.find());
        String caption = two.group();
        assertTrue(caption.contains("<b>#2</b> owl"), caption);
        assertTrue(caption.contains(">owl 97%</span> → <span class=\"wrong\" title=\"new\">cat 90%</span>"), caption);
        assertTrue(caption.contains("not in baseline"), caption);
        Matcher zero = Pattern.compile("data-index=\"0\".*?</figure>", Pattern.DOTALL).matcher(negative);
        assertTrue(zero.find() && zero.group().contains("baseline too"), negative);
        // The baseline's flips pc does not have: sample 1 only; pc's one positive flip: sample 3.
        assertEquals(List.of(1), indices(panel(html, "pc", "removed")));
        assertEquals(List.of(3), indices(panel(html, "pc", "positive")));
        // The baseline's own card: its flips 1 (65%) then 0 (55%); 1 is one pc removed.
        String baseline = panel(html, "baseline", "negative");
        assertEquals(List.of(1, 0), indices(baseline));
        assertTrue(baseline.contains("removed by pc"), baseline);
        assertTrue(html.contains("of the plain retrain's 2 negative flips <b>1 removed</b> and 1 kept; <b>2 added</b>"
                + " (3 negative flips in all)"), html);
    }

    @Test
    void thumbnailsAreTheSamplesOwnPixelsInline() throws IOException {
        String html = render(100);
        Matcher m = Pattern.compile("data-index=\"4\"><img class=\"pixelated\" alt=\"test sample 4\" width=\"3\""
                + " height=\"2\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        assertTrue(m.find(), "sample 4 has an inline PNG thumbnail");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertNotNull(decoded);
        assertEquals(47, decoded.getRaster().getSample(2, 1, 0), "10 * 4 + 7");
        // Nothing is fetched: no external script, style sheet or image.
        assertFalse(Pattern.compile("<(script|link|img)[^>]+(src|href)=\"(https?:)?//").matcher(html).find());
    }

    @Test
    void heatMapsShareOneColourScale() throws IOException {
        // The baseline twice (seeds 1 and 2): its cat → dog flip counts 2, pc's single flips are half as dark.
        RunResults results = new RunResults(LABELS, OLD, List.of(
                new ModelResult("baseline", 1, BASELINE, flips(BASELINE)),
                new ModelResult("baseline", 2, BASELINE, flips(BASELINE)),
                new ModelResult("pc", 1, PC, flips(PC))), List.of());
        Path run = dir.resolve("scale");
        ReportWriter.builder().setRunDirectory(run).optClassNames(List.of("cat", "dog", "owl")).build().write(results);
        String html = Files.readString(run.resolve(ReportWriter.REPORT_HTML));
        String matrix = html.substring(html.indexOf("<section id=\"flip-matrix\">"));
        assertTrue(matrix.contains("rgba(200,40,40,1.000);color:#fff\" title=\"cat → dog: 2\">2</td>"), matrix);
        String pc = matrix.substring(matrix.indexOf("<h3>pc</h3>"));
        assertTrue(pc.contains("rgba(200,40,40,0.500);color:#222\" title=\"owl → cat: 1\">1</td>"), pc);
    }

    @Test
    void anUnreadableImageCostsItsThumbnailNotTheReport() throws IOException {
        RunResults results = new RunResults(LABELS, OLD, List.of(
                new ModelResult("pc", 1, PC, flips(PC), PC_CONFIDENCE)), List.of(), OLD_CONFIDENCE);
        Path run = dir.resolve("unreadable");
        ReportWriter.builder().setRunDirectory(run).optTestImages(i -> {
            if (i == 4) {
                throw new IllegalStateException("/data/cat/4.png: file vanished");
            }
            return image(i);
        }).build().write(results);
        String html = Files.readString(run.resolve(ReportWriter.REPORT_HTML));
        assertTrue(html.contains("data-index=\"4\"><span class=\"noimage\" title=\"/data/cat/4.png: file vanished\">"
                + "image unreadable</span>"), html);
        assertTrue(html.contains("data-index=\"2\"><img"), "the other samples keep theirs");
    }

    @Test
    void pagesHideAllButTheFirstPageSize() throws IOException {
        String negative = panel(render(2), "pc", "negative");
        assertEquals(List.of(2, 4, 0), indices(negative));
        assertEquals(1, Pattern.compile("<figure[^>]* hidden>").matcher(negative).results().count(), negative);
        assertTrue(negative.contains("data-index=\"0\" hidden>"), "the third flip is on page 2");
        assertTrue(negative.contains("<button type=\"button\" data-page=\"1\">2</button>"), negative);
    }

    @Test
    void heatMapCountsOldClassToNewClassAndTablesMatchTheMarkdown() throws IOException {
        String html = render(100);
        int matrix = html.indexOf("<section id=\"flip-matrix\">");
        String pc = html.substring(html.indexOf("<h3>pc</h3>", matrix), html.indexOf("</article>",
                html.indexOf("<h3>pc</h3>", matrix)));
        // pc's flips: 0 cat→dog, 2 owl→cat, 4 dog→owl; the baseline's 0 cat→dog, 1 dog→owl. The largest count of
        // either (1) is the darkest cell of both.
        for (String cell : List.of("cat → dog: 1", "owl → cat: 1", "dog → owl: 1")) {
            assertTrue(pc.contains("rgba(200,40,40,1.000);color:#fff\" title=\"" + cell + "\">1</td>"), cell + pc);
        }
        assertTrue(pc.contains("title=\"cat → owl: 0\"></td>"), pc);
        // pc's error rate as report.md states it, in a table cell of the summary.
        String md = Files.readString(dir.resolve("run").resolve(ReportWriter.REPORT_MD));
        Matcher row = Pattern.compile("\\| error rate \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|").matcher(md);
        assertTrue(row.find(), md);
        assertTrue(html.contains("<td>" + row.group(3).strip() + "</td>"), row.group(3));
        assertTrue(html.contains("<a href=\"negative_flips_pc.csv\">negative_flips_pc.csv</a>"), "CSV linked");
    }
}
