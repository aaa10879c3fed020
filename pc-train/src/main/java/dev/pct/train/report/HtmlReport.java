package dev.pct.train.report;

import static dev.pct.train.report.ModelRoles.BASELINE;
import static dev.pct.train.report.ModelRoles.OLD;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * {@code report.html}: one self-contained page (thumbnails and charts inline, no network) with the tables of
 * {@code report.md}, a gallery of every new model's negative and positive flips beside the plain retrain's, the
 * flip matrix of its negative flips as a heat map, the charts and links to the run's files.
 *
 * <p>The tables come from the very markdown of {@code report.md}, rendered by commonmark, so both reports show
 * the same numbers. A gallery lists flips by the new model's confidence in its answer, most confident first (for
 * negative flips: the most confidently wrong), {@link ReportWriter.Builder#optGalleryPageSize pageSize} per page;
 * the instance view of flipped samples follows Microsoft's BackwardCompatibilityML.
 */
final class HtmlReport {

    /** What the page shows, in order. */
    record Content(
            String title,
            String summaryMarkdown,
            String perClassMarkdown,
            List<String> laterMarkdown,
            Map<String, List<ModelResult>> newModels,
            ModelResult old,
            int[] labels,
            IntFunction<BufferedImage> images,
            Map<String, byte[]> charts,
            List<String[]> files,
            int pageSize,
            int galleryLimit) {}

    private static final Parser PARSER = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private static final HtmlRenderer RENDERER =
            HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).escapeHtml(true).build();
    /** The model every other new model is compared with: the plain retrain. */
    /** Images at most this many pixels on a side are shown enlarged without smoothing. */
    private static final int PIXELATED_MAX_SIDE = 48;
    /** Larger images are stored scaled down to this longest side. */
    private static final int THUMBNAIL_SIDE = 96;

    /** The page's style sheet and script, inlined so that the page needs no other file. */
    private static final String STYLE = resource("report.css");
    private static final String SCRIPT = resource("report.js");

    private final Content content;
    private final List<String> classNames;
    private final Map<Integer, String> thumbnails = new HashMap<>();
    private int ids;

    HtmlReport(Content content, List<String> classNames) {
        this.content = content;
        this.classNames = classNames;
    }

    /** The page. */
    String render() {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(escape(content.title())).append("</title>\n<style>\n").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<header>\n<h1>").append(escape(content.title())).append("</h1>\n<nav>");
        List<String[]> sections = new ArrayList<>();
        sections.add(new String[] {"summary", "Summary"});
        if (!content.newModels().isEmpty()) {
            sections.add(new String[] {"flips", "Flipped samples"});
            sections.add(new String[] {"flip-matrix", "Flip matrix"});
            sections.add(new String[] {"per-class", "Per class"});
        }
        sections.add(new String[] {"charts", "Charts"});
        List<String[]> later = new ArrayList<>();
        for (String md : content.laterMarkdown()) {
            if (!md.isBlank()) {
                String heading = md.strip().lines().findFirst().orElse("").replaceFirst("^#+\\s*", "");
                later.add(new String[] {heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), heading, md});
                sections.add(new String[] {later.get(later.size() - 1)[0], heading});
            }
        }
        sections.add(new String[] {"files", "Files"});
        for (String[] s : sections) {
            h.append("<a href=\"#").append(s[0]).append("\">").append(escape(s[1])).append("</a>");
        }
        h.append("</nav>\n</header>\n<main>\n");

        h.append("<section id=\"summary\">\n<h2>Summary</h2>\n")
                .append(markdown(content.summaryMarkdown().replaceFirst("^# [^\n]*\n", ""))).append("</section>\n");
        if (!content.newModels().isEmpty()) {
            flipsSection(h);
            matrixSection(h);
            h.append("<section id=\"per-class\">\n").append(markdown(content.perClassMarkdown())).append("</section>\n");
        }
        h.append("<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        content.charts().forEach((title, png) -> h.append("<figure><img alt=\"").append(escape(title))
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\"><figcaption>").append(escape(title)).append("</figcaption></figure>\n"));
        h.append("</div>\n</section>\n");
        for (String[] s : later) {
            h.append("<section id=\"").append(s[0]).append("\">\n").append(markdown(s[2])).append("</section>\n");
        }
        h.append("<section id=\"files\">\n<h2>Files</h2>\n<ul>\n");
        for (String[] file : content.files()) {
            h.append("<li><a href=\"").append(escape(file[0])).append("\">").append(escape(file[0])).append("</a>");
            if (!file[1].isEmpty()) {
                h.append(": ").append(escape(file[1]));
            }
            h.append("</li>\n");
        }
        h.append("</ul>\n</section>\n</main>\n<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String markdown(String md) {
        return RENDERER.render(PARSER.parse(md));
    }

    /** Per seed, a card per new model: its negative flips, what it removed against the baseline, its positive flips. */
    private void flipsSection(StringBuilder h) {
        int[] labels = content.labels();
        int[] oldPredictions = content.old().testPredictions();
        h.append("<section id=\"flips\">\n<h2>Flipped samples</h2>\n<p>A <b>negative flip</b> is a test sample the"
                + " old model classified correctly and the new model does not: a regression a user sees. Each card"
                + " shows one new model's, the most confidently wrong first, as <i>true class</i> and <i>old"
                + " prediction → new prediction</i> with each model's confidence (its softmax probability of the"
                + " class it predicted). Beside the plain retrain, a card marks which regressions the model shares"
                + " with it and which are its own, and lists the plain retrain's regressions it does not have."
                + " Positive flips (old wrong, new right) are behind their tab.</p>\n");
        Set<Integer> seeds = new LinkedHashSet<>();
        content.newModels().values().forEach(runs -> runs.forEach(r -> seeds.add(r.seed())));
        for (int seed : seeds) {
            Map<String, ModelResult> bySeed = new LinkedHashMap<>();
            content.newModels().forEach((model, runs) -> runs.stream().filter(r -> r.seed() == seed).findFirst()
                    .ifPresent(r -> bySeed.put(model, r)));
            if (seeds.size() > 1) {
                h.append("<h3>Seed ").append(seed).append("</h3>\n");
            }
            ModelResult baseline = bySeed.get(BASELINE);
            Set<Integer> baselineFlips = baseline == null ? Set.of() : negativeFlips(baseline);
            ModelResult first = bySeed.values().stream().filter(r -> !r.model().equals(BASELINE)).findFirst()
                    .orElse(null);
            if (baseline != null) {
                for (ModelResult r : bySeed.values()) {
                    if (r != baseline) {
                        Set<Integer> own = negativeFlips(r);
                        long shared = own.stream().filter(baselineFlips::contains).count();
                        h.append(String.format(Locale.ROOT, "<p class=\"compare\"><b>%s</b> against the plain"
                                + " retrain: of the plain retrain's %d negative flips <b>%d removed</b> and %d kept;"
                                + " <b>%d added</b> (%d negative flips in all).</p>%n", escape(r.model()), baselineFlips.size(),
                                baselineFlips.size() - shared, shared, own.size() - shared, own.size()));
                    }
                }
            }
            h.append("<div class=\"cards\">\n");
            for (ModelResult r : bySeed.values()) {
                card(h, r, labels, oldPredictions, baseline == r ? null : baseline, baselineFlips,
                        baseline == r ? first : null);
            }
            h.append("</div>\n");
        }
        h.append("</section>\n");
    }

    private void card(StringBuilder h, ModelResult r, int[] labels, int[] oldPredictions, ModelResult baseline,
            Set<Integer> baselineFlips, ModelResult comparedTo) {
        int[] predictions = r.testPredictions();
        List<Integer> negative = new ArrayList<>();
        List<Integer> positive = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            boolean oldRight = oldPredictions[i] == labels[i];
            boolean newRight = predictions[i] == labels[i];
            if (oldRight && !newRight) {
                negative.add(i);
            } else if (!oldRight && newRight) {
                positive.add(i);
            }
        }
        Set<Integer> own = new LinkedHashSet<>(negative);
        Set<Integer> comparedFlips = comparedTo == null ? Set.of() : negativeFlips(comparedTo);
        List<Integer> removed = new ArrayList<>();
        if (baseline != null) {
            baselineFlips.stream().filter(i -> !own.contains(i)).forEach(removed::add);
        }
        String id = "card-" + (++ids);
        h.append("<article class=\"card\" id=\"").append(id).append("\">\n<h3>").append(escape(r.model()))
                .append(" <span class=\"muted\">seed ").append(r.seed()).append("</span></h3>\n")
                .append(String.format(Locale.ROOT, "<p class=\"muted\">%d negative flips (%.2f%%), %d positive"
                        + " flips (%.2f%%) of %d test samples.</p>%n", negative.size(),
                        100.0 * negative.size() / Math.max(1, labels.length), positive.size(),
                        100.0 * positive.size() / Math.max(1, labels.length), labels.length));
        List<String[]> tabs = new ArrayList<>();
        tabs.add(new String[] {"negative", "Negative flips (" + negative.size() + ")"});
        if (baseline != null) {
            tabs.add(new String[] {"removed", "Removed vs baseline (" + removed.size() + ")"});
        }
        tabs.add(new String[] {"positive", "Positive flips (" + positive.size() + ")"});
        h.append("<div class=\"tabs\" role=\"tablist\">");
        for (int t = 0; t < tabs.size(); t++) {
            h.append("<button type=\"button\" role=\"tab\" data-tab=\"").append(tabs.get(t)[0])
                    .append("\" aria-selected=\"").append(t == 0).append("\">").append(escape(tabs.get(t)[1]))
                    .append("</button>");
        }
        h.append("</div>\n");

        sortByConfidence(negative, r);
        panel(h, "negative", false, negative, i -> {
            String badge = "";
            if (baseline != null) {
                badge = baselineFlips.contains(i) ? "<span class=\"badge shared\">baseline too</span>"
                        : "<span class=\"badge added\">not in baseline</span>";
            } else if (comparedTo != null && !comparedFlips.contains(i)) {
                badge = "<span class=\"badge removed\">removed by " + escape(comparedTo.model()) + "</span>";
            }
            return caption(i, labels[i], oldPredictions[i], content.old().confidence(i), OLD, predictions[i],
                    r.confidence(i), "new", badge);
        }, ReportWriter.negativeFlipsFileName(r.model()));
        if (baseline != null) {
            sortByConfidence(removed, baseline);
            int[] baselinePredictions = baseline.testPredictions();
            panel(h, "removed", true, removed, i -> caption(i, labels[i], baselinePredictions[i],
                    baseline.confidence(i), BASELINE, predictions[i], r.confidence(i), r.model(),
                    ""), "");
        }
        sortByConfidence(positive, r);
        panel(h, "positive", true, positive, i -> caption(i, labels[i], oldPredictions[i],
                content.old().confidence(i), OLD, predictions[i], r.confidence(i), "new", ""), "");
        h.append("</article>\n");
    }

    private interface Caption {
        String of(int index);
    }

    private void panel(StringBuilder h, String name, boolean hidden, List<Integer> samples, Caption caption,
            String allIn) {
        int shown = Math.min(samples.size(), content.galleryLimit());
        int pageSize = content.pageSize();
        h.append("<div class=\"panel\" data-panel=\"").append(name).append('"').append(hidden ? " hidden" : "")
                .append(">\n");
        if (samples.isEmpty()) {
            h.append("<p class=\"muted\">None.</p>\n</div>\n");
            return;
        }
        if (shown < samples.size()) {
            h.append(String.format(Locale.ROOT, "<p class=\"muted\">The first %d of %d%s.</p>%n", shown,
                    samples.size(), allIn.isEmpty() ? "" : "; all are in " + escape(allIn)));
        }
        h.append("<div class=\"gallery\" data-page-size=\"").append(pageSize).append("\">\n");
        for (int k = 0; k < shown; k++) {
            int i = samples.get(k);
            h.append("<figure class=\"flip\" data-index=\"").append(i).append('"').append(k >= pageSize ? " hidden"
                    : "").append('>');
            String thumbnail = thumbnail(i);
            if (thumbnail != null) {
                h.append(thumbnail);
            }
            h.append("<figcaption>").append(caption.of(i)).append("</figcaption></figure>\n");
        }
        h.append("</div>\n");
        int pages = (shown + pageSize - 1) / pageSize;
        if (pages > 1) {
            h.append("<div class=\"pager\">");
            for (int p = 0; p < pages; p++) {
                h.append("<button type=\"button\" data-page=\"").append(p).append('"')
                        .append(p == 0 ? " class=\"current\"" : "").append('>').append(p + 1).append("</button>");
            }
            h.append("</div>\n");
        }
        h.append("</div>\n");
    }

    private String caption(int index, int label, int before, double beforeConfidence, String beforeName, int after,
            double afterConfidence, String afterName, String badge) {
        return "<b>#" + index + "</b> " + escape(className(label)) + "<br><span class=\"" + css(before == label)
                + "\" title=\"" + escape(beforeName) + "\">" + escape(className(before)) + confidence(beforeConfidence)
                + "</span> → <span class=\"" + css(after == label) + "\" title=\"" + escape(afterName) + "\">"
                + escape(className(after)) + confidence(afterConfidence) + "</span>" + badge;
    }

    private static String css(boolean right) {
        return right ? "right" : "wrong";
    }

    private static String confidence(double p) {
        return Double.isNaN(p) ? "" : String.format(Locale.ROOT, " %.0f%%", 100 * p);
    }

    /** Most confident first; unknown confidences last; ties by index. */
    private static void sortByConfidence(List<Integer> samples, ModelResult r) {
        samples.sort(Comparator.<Integer>comparingDouble(i -> {
            double c = r.confidence(i);
            return Double.isNaN(c) ? Double.POSITIVE_INFINITY : -c;
        }).thenComparingInt(i -> i));
    }

    private Set<Integer> negativeFlips(ModelResult r) {
        Set<Integer> out = new LinkedHashSet<>();
        for (long i : r.vsOld().negativeFlipIndices()) {
            out.add((int) i);
        }
        return out;
    }

    /** The sample as an inline PNG, made once per sample; null without images. */
    private String thumbnail(int index) {
        if (content.images() == null) {
            return null;
        }
        return thumbnails.computeIfAbsent(index, i -> {
            BufferedImage image;
            try {
                image = content.images().apply(i);
            } catch (RuntimeException e) {
                // A file that changed or vanished since training must not cost the run its report.
                return "<span class=\"noimage\" title=\"" + escape(String.valueOf(e.getMessage()))
                        + "\">image unreadable</span>";
            }
            int side = Math.max(image.getWidth(), image.getHeight());
            boolean small = side <= PIXELATED_MAX_SIDE;
            BufferedImage stored = small ? image : Thumbnails.scale(image, THUMBNAIL_SIDE);
            return "<img class=\"" + (small ? "pixelated" : "smooth") + "\" alt=\"test sample " + i + "\" width=\""
                    + stored.getWidth() + "\" height=\"" + stored.getHeight() + "\" src=\"data:image/png;base64,"
                    + Base64.getEncoder().encodeToString(Thumbnails.png(stored)) + "\">";
        });
    }

    /** Old class → new class among the negative flips, summed over seeds, per model. */
    private void matrixSection(StringBuilder h) {
        int[] labels = content.labels();
        int classes = Math.max(classNames.size(), 1);
        for (int l : labels) {
            classes = Math.max(classes, l + 1);
        }
        for (List<ModelResult> runs : content.newModels().values()) {
            for (ModelResult r : runs) {
                for (int p : r.testPredictions()) {
                    classes = Math.max(classes, p + 1);
                }
            }
        }
        h.append("<section id=\"flip-matrix\">\n<h2>Flip matrix</h2>\n<p>Negative flips by the class the old model"
                + " gave (the true class, which it got right; rows) and the class the new model gives instead"
                + " (columns), summed over seeds. One colour scale for all models: the darker the cell, the more"
                + " regressions.</p>\n<div class=\"cards\">\n");
        Map<String, long[][]> matrices = new LinkedHashMap<>();
        long max = 0;
        for (Map.Entry<String, List<ModelResult>> e : content.newModels().entrySet()) {
            long[][] counts = new long[classes][classes];
            for (ModelResult r : e.getValue()) {
                int[] predictions = r.testPredictions();
                for (long index : r.vsOld().negativeFlipIndices()) {
                    int i = (int) index;
                    max = Math.max(max, ++counts[labels[i]][predictions[i]]);
                }
            }
            matrices.put(e.getKey(), counts);
        }
        for (Map.Entry<String, long[][]> e : matrices.entrySet()) {
            h.append("<article class=\"card\">\n<h3>").append(escape(e.getKey())).append("</h3>\n");
            if (classes <= 20) {
                heatMap(h, e.getValue(), max);
            } else {
                topPairs(h, e.getValue());
            }
            h.append("</article>\n");
        }
        h.append("</div>\n</section>\n");
    }

    private void heatMap(StringBuilder h, long[][] counts, long max) {
        int classes = counts.length;
        h.append("<table class=\"heat\">\n<thead><tr><th class=\"corner\">old ↓ new →</th>");
        for (int c = 0; c < classes; c++) {
            h.append("<th class=\"col\"><span>").append(escape(className(c))).append("</span></th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (int a = 0; a < classes; a++) {
            h.append("<tr><th>").append(escape(className(a))).append("</th>");
            for (int b = 0; b < classes; b++) {
                if (a == b) {
                    h.append("<td class=\"diagonal\"></td>");
                    continue;
                }
                double share = max == 0 ? 0 : (double) counts[a][b] / max;
                h.append(String.format(Locale.ROOT, "<td style=\"background:rgba(200,40,40,%.3f);color:%s\" title=\"%s"
                        + " → %s: %d\">%s</td>", share, share > 0.55 ? "#fff" : "#222", escape(className(a)),
                        escape(className(b)), counts[a][b], counts[a][b] == 0 ? "" : Long.toString(counts[a][b])));
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private void topPairs(StringBuilder h, long[][] counts) {
        List<long[]> pairs = new ArrayList<>();
        for (int a = 0; a < counts.length; a++) {
            for (int b = 0; b < counts.length; b++) {
                if (counts[a][b] > 0) {
                    pairs.add(new long[] {a, b, counts[a][b]});
                }
            }
        }
        pairs.sort(Comparator.<long[]>comparingLong(p -> -p[2]).thenComparingLong(p -> p[0]));
        h.append("<p class=\"muted\">").append(counts.length).append(" classes: the 20 most frequent pairs.</p>\n")
                .append("<table>\n<thead><tr><th>old (true)</th><th>new</th><th>negative flips</th></tr></thead>\n"
                        + "<tbody>\n");
        for (long[] p : pairs.subList(0, Math.min(20, pairs.size()))) {
            h.append("<tr><td>").append(escape(className((int) p[0]))).append("</td><td>")
                    .append(escape(className((int) p[1]))).append("</td><td>").append(p[2]).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private String className(int c) {
        return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + HtmlReport.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
