package dev.pct.train.report;

import dev.pct.core.metrics.FlipReport;
import dev.pct.core.metrics.Interval;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.io.Spelling;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.selection.SweepChoice;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

/**
 * Writes the report of a finished run into its run directory.
 *
 * <p>Files written by {@link #write(RunResults)}:
 *
 * <ul>
 *   <li>{@value #METRICS_JSON}: every {@link FlipReport} field per new model and seed, each model's
 *       error rate with its 95% Wilson interval, and per model the mean and sample standard
 *       deviation over seeds of the error rate, NFR, PFR and relative NFR;
 *   <li>{@value #REPORT_MD}: a side-by-side table of the models, which samples flipped, and the
 *       per-class NFR;
 *   <li>{@value #REPORT_HTML}: the same tables as one self-contained page, with a gallery of every new model's
 *       flipped samples (images from {@link Builder#optTestImages}) beside the plain retrain's, the flip matrix as
 *       a heat map, the charts inline and links to the CSVs;
 *   <li>{@code negative_flips_<model>.csv} per new model: {@code
 *       sample_index,label,old_prediction,new_prediction,model,seed}, one row per negative flip of
 *       each seed (the last two columns let the files be concatenated);
 *   <li>{@value #HISTORY_CSV}: every {@link EpochRecord}, NaN as an empty cell;
 *   <li>{@value #LEARNING_CURVES_PNG} (if there is history) and {@value #ERROR_VS_NFR_PNG}.
 * </ul>
 *
 * <p>Each file is written to a temporary file in the run directory and renamed into place, so a
 * reader never sees half a report. Measures follow Yan et al., "Positive-Congruent Training:
 * Towards Regression-Free Model Updates", CVPR 2021 (<a
 * href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>).
 */
public final class ReportWriter {

    /** The machine-readable metrics file. */
    public static final String METRICS_JSON = "metrics.json";
    /** The human-readable report. */
    public static final String REPORT_MD = "report.md";
    /** The same report as one self-contained web page, with the flipped samples' images. */
    public static final String REPORT_HTML = "report.html";
    /** The most flips one gallery of {@value #REPORT_HTML} holds (all are in the CSV). */
    static final int GALLERY_LIMIT = 1000;
    /** The per-epoch history. */
    public static final String HISTORY_CSV = "history.csv";
    /** The learning-curve chart. */
    public static final String LEARNING_CURVES_PNG = "learning_curves.png";
    /** The error versus negative-flip-rate chart. */
    public static final String ERROR_VS_NFR_PNG = "error_vs_nfr.png";
    /** Chart file name: error and NFR of the weight-interpolated models over a. */
    public static final String INTERPOLATION_PNG = "interpolation.png";
    /** The header of every negative-flip CSV. */
    public static final String NEGATIVE_FLIPS_HEADER =
            "sample_index,label,old_prediction,new_prediction,model,seed";
    /** The header of {@value #HISTORY_CSV}. */
    public static final String HISTORY_HEADER =
            "model,seed,epoch,train_loss,cross_entropy,distillation,train_error,validation_error,"
                    + "validation_negative_flip_rate,test_error,test_negative_flip_rate,samples_per_second,seconds,"
                    + "data_wait_share,evaluation_share";

    private final Path runDirectory;
    private final List<String> classNames;
    private final int listedFlips;
    private final int chartWidth;
    private final int chartHeight;
    private final LoadingRate loading;
    private final List<SelectedEpoch> selected;
    private final List<InterpolationCurve> interpolation;
    private final SelectionSettings selection;
    private final Map<String, String> settings;
    private final List<String> notes;
    private final List<String> merged;
    private final IntFunction<BufferedImage> testImages;
    private final int galleryPageSize;
    private final String title;

    /**
     * How fast the input pipeline prepared batches with nothing else running.
     *
     * @param imagesPerSecond images prepared per second
     * @param workers the worker threads that prepared them
     */
    public record LoadingRate(double imagesPerSecond, int workers) {}

    private ReportWriter(Builder builder) {
        loading = builder.loading;
        selected = builder.selected;
        interpolation = builder.interpolation;
        selection = builder.selection;
        settings = builder.settings;
        notes = builder.notes;
        merged = builder.merged;
        testImages = builder.testImages;
        galleryPageSize = builder.galleryPageSize;
        title = builder.title;
        runDirectory = builder.runDirectory;
        classNames = builder.classNames;
        listedFlips = builder.listedFlips;
        chartWidth = builder.chartWidth;
        chartHeight = builder.chartHeight;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the name of the negative-flip CSV of a model.
     *
     * @param model the model role
     * @return {@code negative_flips_<model>.csv}, with characters unsafe in file names replaced by
     *     {@code _}
     */
    public static String negativeFlipsFileName(String model) {
        return "negative_flips_" + model.replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
    }

    /**
     * Writes every report file.
     *
     * @param results the run's results
     * @return the paths written, in the order written
     * @throws IOException if a file cannot be written
     */
    public List<Path> write(RunResults results) throws IOException {
        List<Path> written = new ArrayList<>();
        List<ModelResult> models = results.modelsOldFirst();
        int[] labels = results.testLabels();
        int[] oldPredictions = results.oldPredictions();

        Map<String, List<ModelResult>> newModels = new LinkedHashMap<>();
        for (ModelResult result : models) {
            if (!result.isOldModel()) {
                newModels.computeIfAbsent(result.model(), k -> new ArrayList<>()).add(result);
            }
        }
        for (Map.Entry<String, List<ModelResult>> model : newModels.entrySet()) {
            StringBuilder csv = new StringBuilder(NEGATIVE_FLIPS_HEADER).append('\n');
            for (ModelResult result : model.getValue()) {
                int[] predictions = result.testPredictions();
                for (long index : result.vsOld().negativeFlipIndices()) {
                    int i = (int) index;
                    csv.append(i).append(',').append(labels[i]).append(',').append(oldPredictions[i])
                            .append(',').append(predictions[i]).append(',').append(csvText(result.model()))
                            .append(',').append(result.seed()).append('\n');
                }
            }
            written.add(put(negativeFlipsFileName(model.getKey()), csv.toString()));
        }

        written.add(put(HISTORY_CSV, historyCsv(results.history())));
        written.add(put(METRICS_JSON, MetricsJson.of(models, labels, classNames)));

        boolean hasCurves = !results.history().isEmpty();
        Map<String, byte[]> charts = new LinkedHashMap<>();
        if (hasCurves) {
            byte[] curves = Charts.learningCurves(results.history(), chartWidth, chartHeight);
            written.add(put(LEARNING_CURVES_PNG, curves));
            charts.put("Learning curves: training loss and test error per epoch", curves);
        }
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        newModels.forEach(
                (model, runs) ->
                        points.put(
                                model,
                                runs.stream()
                                        .map(r -> new double[] {r.vsOld().negativeFlipRate(), r.vsOld().errorRateNew()})
                                        .toList()));
        List<Double> oldErrors =
                models.stream().filter(ModelResult::isOldModel).map(r -> errorRate(r, labels)).toList();
        byte[] scatter = Charts.errorVersusNegativeFlipRate(points, oldErrors, chartWidth, chartHeight,
                newModels.size() > 2);
        written.add(put(ERROR_VS_NFR_PNG, scatter));
        charts.put("Test error against negative flip rate", scatter);
        if (!interpolation.isEmpty()) {
            byte[] curve = Charts.interpolation(interpolation, chartWidth, chartHeight);
            written.add(put(INTERPOLATION_PNG, curve));
            charts.put("Weight interpolation: error and NFR over a", curve);
        }

        Markdown md = markdown(models, newModels, labels, oldPredictions, hasCurves, results.history());
        written.add(put(REPORT_MD, md.joined()));

        List<String[]> files = new ArrayList<>();
        files.add(new String[] {REPORT_MD, "this report as Markdown"});
        files.add(new String[] {METRICS_JSON, "every flip measure per model and seed"});
        for (Map.Entry<String, List<ModelResult>> model : newModels.entrySet()) {
            long rows = model.getValue().stream().mapToLong(r -> r.vsOld().negativeFlips()).sum();
            files.add(new String[] {negativeFlipsFileName(model.getKey()), rows + " negative flips of "
                    + model.getKey() + " (" + NEGATIVE_FLIPS_HEADER + ")"});
        }
        files.add(new String[] {HISTORY_CSV, "per model, seed and epoch"});
        for (String[] f : new String[][] {{"config.yaml", "the effective job configuration"},
            {"run-info.json", "versions, device and seeds"}, {"train.log", "the job's log"}}) {
            if (Files.exists(runDirectory.resolve(f[0]))) {
                files.add(f);
            }
        }
        String pageTitle = "Run report: " + (title != null ? title : String.valueOf(
                runDirectory.toAbsolutePath().normalize().getFileName()));
        ModelResult old = models.get(0);
        HtmlReport html = new HtmlReport(new HtmlReport.Content(pageTitle, md.summary(), md.perClass(),
                List.of(md.selection(), md.sweep(), md.throughput()), newModels, old, labels, testImages, charts,
                files, galleryPageSize, GALLERY_LIMIT), classNames);
        written.add(put(REPORT_HTML, html.render()));
        return written;
    }

    /**
     * Formats flip reports as a fixed-width console table, one row per entry.
     *
     * @param reports the reports by name, in display order
     * @return the table, with a header line and percentages with 95% intervals
     */
    public static String formatTable(Map<String, FlipReport> reports) {
        String header = String.format(
                Locale.ROOT,
                "%-16s %8s %-26s %-26s %-26s %8s %8s%n",
                "model", "samples", "error rate (new)", "negative flip rate", "positive flip rate",
                "rel NFR", "NFI");
        StringBuilder table = new StringBuilder(header);
        for (Map.Entry<String, FlipReport> entry : reports.entrySet()) {
            FlipReport r = entry.getValue();
            table.append(String.format(
                    Locale.ROOT,
                    "%-16s %8d %-26s %-26s %-26s %8.3f %8.3f%n",
                    entry.getKey(),
                    r.total(),
                    percentWithInterval(r.errorRateNew(), r.errorRateNewInterval()),
                    percentWithInterval(r.negativeFlipRate(), r.negativeFlipRateInterval()),
                    percentWithInterval(r.positiveFlipRate(), r.positiveFlipRateInterval()),
                    r.relativeNegativeFlipRate(),
                    r.negativeFlipImpact()));
        }
        return table.toString();
    }

    private Path put(String name, String content) throws IOException {
        Path path = runDirectory.resolve(name);
        AtomicFiles.writeString(path, content);
        return path;
    }

    private Path put(String name, byte[] content) throws IOException {
        Path path = runDirectory.resolve(name);
        AtomicFiles.write(path, content);
        return path;
    }

    private static String historyCsv(List<EpochRecord> history) {
        StringBuilder csv = new StringBuilder(HISTORY_HEADER).append('\n');
        for (EpochRecord r : history) {
            csv.append(csvText(r.model())).append(',').append(r.seed()).append(',').append(r.epoch());
            for (double v :
                    new double[] {
                        r.trainLoss(), r.crossEntropy(), r.distillation(), r.trainError(), r.validationError(),
                        r.validationNegativeFlipRate(), r.testError(), r.testNegativeFlipRate(), r.samplesPerSecond(), r.seconds(),
                        r.dataWaitShare(), r.evaluationShare()
                    }) {
                csv.append(',');
                if (Double.isFinite(v)) {
                    csv.append(v);
                }
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private Markdown markdown(
            List<ModelResult> models,
            Map<String, List<ModelResult>> newModels,
            int[] labels,
            int[] oldPredictions,
            boolean hasCurves,
            List<EpochRecord> history) {
        Map<String, List<ModelResult>> byModel = new LinkedHashMap<>();
        models.forEach(r -> byModel.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r));
        StringBuilder md = new StringBuilder("# Run report\n\n");
        md.append(String.format(
                Locale.ROOT,
                "%d test samples. Rates in %%; [lower, upper] is the 95%% Wilson interval; "
                        + "mean ± sample std over seeds where a model has several. Relative NFR = "
                        + "NFR / ((1 − ER_old) · ER_new), below 1 means fewer regressions than "
                        + "independent errors would give "
                        + "([Yan et al., CVPR 2021](https://arxiv.org/abs/2011.09161)).%n%n",
                labels.length));
        for (String line : merged) {
            md.append("> **Merged:** ").append(line).append("\n\n");
        }
        for (String note : notes) {
            md.append("> **Security:** ").append(note).append("\n\n");
        }
        md.append("| measure |");
        byModel.keySet().forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|");
        byModel.keySet().forEach(m -> md.append("---|"));
        md.append('\n');
        row(md, "seeds", byModel, runs -> Integer.toString(runs.size()), true);
        row(md, "error rate", byModel, runs -> rateCell(runs.stream().map(r -> errorRate(r, labels)).toList(),
                Interval.wilson(errors(runs.get(0), labels), labels.length)), true);
        row(md, "negative flip rate", byModel, runs -> rateCell(perSeed(runs, FlipReport::negativeFlipRate),
                runs.get(0).vsOld().negativeFlipRateInterval()), false);
        row(md, "positive flip rate", byModel, runs -> rateCell(perSeed(runs, FlipReport::positiveFlipRate),
                runs.get(0).vsOld().positiveFlipRateInterval()), false);
        row(md, "relative NFR", byModel, runs -> plainCell(perSeed(runs, FlipReport::relativeNegativeFlipRate)),
                false);
        row(md, "negative flip impact", byModel, runs -> plainCell(perSeed(runs, FlipReport::negativeFlipImpact)),
                false);
        row(md, "negative flips", byModel, runs -> plainCount(runs, FlipReport::negativeFlips), false);
        row(md, "positive flips", byModel, runs -> plainCount(runs, FlipReport::positiveFlips), false);

        StringBuilder flipList = new StringBuilder();
        flipList.append("\n## Negative flips\n\nSample index (true class: old prediction → new prediction).\n\n");
        if (newModels.isEmpty()) {
            flipList.append("No new model in this run.\n");
        }
        for (List<ModelResult> runs : newModels.values()) {
            for (ModelResult result : runs) {
                FlipReport flips = result.vsOld();
                long[] indices = flips.negativeFlipIndices();
                int[] predictions = result.testPredictions();
                flipList.append(String.format(
                        Locale.ROOT,
                        "- **%s** (seed %d): %d negative flips (%s%%) in `%s`",
                        result.model(), result.seed(), flips.negativeFlips(),
                        percent(flips.negativeFlipRate()), negativeFlipsFileName(result.model())));
                int shown = Math.min(listedFlips, indices.length);
                if (shown > 0) {
                    flipList.append(shown < indices.length ? "; first " + shown + ": " : ": ");
                    for (int k = 0; k < shown; k++) {
                        int i = (int) indices[k];
                        flipList.append(k == 0 ? "" : ", ")
                                .append('#').append(i).append(" (").append(className(labels[i]))
                                .append(": ").append(className(oldPredictions[i])).append(" → ")
                                .append(className(predictions[i])).append(')');
                    }
                }
                flipList.append('\n');
            }
        }

        StringBuilder perClass = new StringBuilder();
        if (!newModels.isEmpty()) {
            perClass.append("\n## Negative flip rate per class\n\nPer true class: NF_c / n_c in %, "
                    + "mean over seeds.\n\n| class | samples |");
            newModels.keySet().forEach(m -> perClass.append(' ').append(m).append(" |"));
            perClass.append("\n|---|---|");
            newModels.keySet().forEach(m -> perClass.append("---|"));
            perClass.append('\n');
            long[] samples = newModels.values().iterator().next().get(0).vsOld().samplesPerClass();
            for (int c = 0; c < samples.length; c++) {
                perClass.append("| ").append(className(c)).append(" | ").append(samples[c]).append(" |");
                for (List<ModelResult> runs : newModels.values()) {
                    final int cls = c;
                    double mean = runs.stream()
                            .mapToDouble(r -> {
                                double[] rates = r.vsOld().negativeFlipRatePerClass();
                                return cls < rates.length ? rates[cls] : 0.0;
                            })
                            .average()
                            .orElse(0.0);
                    perClass.append(' ').append(percent(mean)).append(" |");
                }
                perClass.append('\n');
            }
        }

        StringBuilder selectionMd = new StringBuilder();
        selectionSection(selectionMd);
        interpolationSection(selectionMd);
        StringBuilder sweepMd = new StringBuilder();
        sweepSection(sweepMd, newModels, labels);
        StringBuilder throughputMd = new StringBuilder();
        throughput(throughputMd, history);

        StringBuilder charts = new StringBuilder("\n## Charts\n\n");
        if (hasCurves) {
            charts.append("![learning curves](").append(LEARNING_CURVES_PNG).append(")\n\n");
        }
        charts.append("![test error vs negative flip rate](").append(ERROR_VS_NFR_PNG).append(")\n");
        return new Markdown(md.toString(), flipList.toString(), perClass.toString(), selectionMd.toString(),
                sweepMd.toString(), throughputMd.toString(), charts.toString());
    }

    /** The sections of {@code report.md}, in order; {@code report.html} renders the tables of most of them. */
    private record Markdown(String summary, String flipList, String perClass, String selection, String sweep,
            String throughput, String charts) {
        String joined() {
            return summary + flipList + perClass + selection + sweep + throughput + charts;
        }
    }

    /**
     * The input pipeline against the training step: loading alone (measured before training) and each
     * model's training rate with the share of time its loop waited for data. A wait share near 0 means
     * training limits the run; a large one means loading does (more workers, or a faster disk).
     */
    private void throughput(StringBuilder md, List<EpochRecord> history) {
        Map<String, List<EpochRecord>> byModel = new LinkedHashMap<>();
        history.forEach(r -> byModel.computeIfAbsent(r.model(), k -> new ArrayList<>()).add(r));
        if (byModel.isEmpty() && loading == null) {
            return;
        }
        md.append("\n## Throughput\n\n");
        if (loading != null) {
            md.append(String.format(Locale.ROOT, "Loading alone (reading, decoding, augmenting, normalizing; no"
                    + " training): %.0f images/s with %d worker thread%s.%n%n", loading.imagesPerSecond(),
                    loading.workers(), loading.workers() == 1 ? "" : "s"));
        }
        if (byModel.isEmpty()) {
            return;
        }
        md.append("| model | training images/s | waiting for data |\n|---|---|---|\n");
        for (Map.Entry<String, List<EpochRecord>> e : byModel.entrySet()) {
            double seconds = e.getValue().stream().mapToDouble(EpochRecord::seconds).sum();
            double samples = e.getValue().stream().mapToDouble(r -> r.samplesPerSecond() * r.seconds()).sum();
            // Epochs of a run resumed from files older than the measure have no wait share: left out of it.
            double waited = e.getValue().stream().filter(r -> Double.isFinite(r.dataWaitShare()))
                    .mapToDouble(r -> r.dataWaitShare() * r.seconds()).sum();
            double measured = e.getValue().stream().filter(r -> Double.isFinite(r.dataWaitShare()))
                    .mapToDouble(EpochRecord::seconds).sum();
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %s |%n", e.getKey(),
                    seconds > 0 ? samples / seconds : Double.NaN,
                    measured > 0 ? String.format(Locale.ROOT, "%.1f%%", 100 * waited / measured) : "—"));
        }
    }

    /** Each seed's interpolation curve over a, the kept a marked; the kept model is a column of the tables above. */
    private void interpolationSection(StringBuilder md) {
        if (interpolation.isEmpty()) {
            return;
        }
        InterpolationCurve first = interpolation.get(0);
        md.append(String.format(Locale.ROOT, "%n## Weight interpolation%n%nThe models (1 - a) · old + a · %s, batch"
                + " norm re-estimated on training batches for 0 < a < 1; a kept on the validation split by %s. The"
                + " kept model is `%s` in the tables above.%n%n", first.members() == 1 ? "plain retrain"
                        : "mean of " + first.members() + " plain retrains", first.rule(), first.model()));
        md.append("| seed | a | validation error | validation NFR | test error | test NFR | kept |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (InterpolationCurve curve : interpolation) {
            for (int i = 0; i < curve.points().size(); i++) {
                InterpolationCurve.Point p = curve.points().get(i);
                md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |%n", curve.seed(),
                        trim(p.a()), percent(p.validationError()), percent(p.validationNfr()),
                        percent(p.testError()), percent(p.testNfr()), i == curve.kept()
                                ? (curve.fallback() ? "yes (none within the bound: lowest error)" : "yes") : ""));
            }
        }
        md.append("\n![error and NFR over a](").append(INTERPOLATION_PNG).append(")\n");
    }

    private static String trim(double a) {
        return String.format(Locale.ROOT, "%.3f", a).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Each model's kept epoch and its validation and test figures there. */
    private void selectionSection(StringBuilder md) {
        if (selected.isEmpty()) {
            return;
        }
        md.append("\n## Selection\n\nEach model keeps one epoch, chosen on the validation split only");
        if (selection != null) {
            md.append(String.format(Locale.ROOT, " (rule `%s`%s%s)", Spelling.of(selection.rule()),
                    selection.rule() == SelectionRule.LOWEST_NFR ? String.format(Locale.ROOT,
                            ", error margin %.2f points over the plain retrain's lowest validation error",
                            100 * selection.errorMargin()) : "",
                    selection.patience() > 0 ? ", early stopping after " + selection.patience()
                            + " epochs without a better one" : ""));
        }
        md.append("; the test columns are what the tables above report.\n\n");
        md.append("| model | seed | kept epoch | chosen by | validation error | validation NFR | test error | test NFR"
                + " |\n|---|---|---|---|---|---|---|---|\n");
        for (SelectedEpoch s : selected) {
            EpochRecord f = s.figures();
            md.append(String.format(Locale.ROOT, "| %s | %d | %d of %d | %s%s | %s | %s | %s | %s |%n", s.model(),
                    s.seed(), s.epoch(), s.epochsTrained(), s.rule(),
                    s.fallback() ? " (none within the bound: lowest error kept)" : "",
                    percent(f.validationError()), percent(f.validationNegativeFlipRate()), percent(f.testError()),
                    percent(f.testNegativeFlipRate())));
        }
    }

    /**
     * A sweep's settings side by side, with the Pareto front (no other model has both lower test error and lower
     * test NFR) and the setting the selection rule picks on the validation split.
     */
    private void sweepSection(StringBuilder md, Map<String, List<ModelResult>> newModels, int[] labels) {
        if (settings.isEmpty()) {
            return;
        }
        Map<String, double[]> testMeans = new LinkedHashMap<>();
        newModels.forEach((model, runs) -> testMeans.put(model, new double[] {
            mean(perSeed(runs, FlipReport::negativeFlipRate)), mean(runs.stream().map(r -> errorRate(r, labels))
                    .toList())}));
        java.util.Set<String> front = Charts.paretoFront(testMeans);
        md.append("\n## Sweep\n\nEvery setting against the same old model and plain retrain; validation figures"
                + " at each model's kept epoch, mean over seeds; test rates with the first seed's 95% Wilson"
                + " interval. ◆ marks the Pareto front on test (no other model has both lower error and lower"
                + " NFR).\n\n| model | loss | validation error | validation NFR | test error | test NFR | front |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<ModelResult>> e : newModels.entrySet()) {
            List<ModelResult> runs = e.getValue();
            List<SelectedEpoch> kept = keptEpochs(e.getKey());
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(),
                    settings.getOrDefault(e.getKey(), "cross-entropy"),
                    plainPercent(kept.stream().map(k -> k.figures().validationError()).toList()),
                    plainPercent(kept.stream().map(k -> k.figures().validationNegativeFlipRate()).toList()),
                    rateCell(runs.stream().map(r -> errorRate(r, labels)).toList(),
                            Interval.wilson(errors(runs.get(0), labels), labels.length)),
                    rateCell(perSeed(runs, FlipReport::negativeFlipRate),
                            runs.get(0).vsOld().negativeFlipRateInterval()),
                    front.contains(e.getKey()) ? "◆" : ""));
        }
        String chosen = chooseSetting();
        if (chosen != null) {
            List<ModelResult> runs = newModels.get(chosen);
            md.append(String.format(Locale.ROOT, "%nChosen on validation: **%s** (%s), test error %s, test NFR %s.%n",
                    chosen, settings.get(chosen), plainPercent(runs.stream().map(r -> errorRate(r, labels)).toList()),
                    plainPercent(perSeed(runs, FlipReport::negativeFlipRate))));
        }
    }

    /** The sweep setting {@link SweepChoice} picks from the validation means at the kept epochs. */
    private String chooseSetting() {
        Map<String, double[]> validation = new LinkedHashMap<>();
        for (String model : settings.keySet()) {
            List<SelectedEpoch> kept = keptEpochs(model);
            if (!kept.isEmpty()) {
                validation.put(model, new double[] {
                    mean(kept.stream().map(k -> k.figures().validationError()).toList()),
                    mean(kept.stream().map(k -> k.figures().validationNegativeFlipRate()).toList())});
            }
        }
        List<SelectedEpoch> baseline = keptEpochs(ModelRoles.BASELINE);
        double baselineError = baseline.isEmpty() ? Double.NaN
                : mean(baseline.stream().map(k -> k.figures().validationError()).toList());
        return SweepChoice.choose(validation, baselineError, selection);
    }

    private List<SelectedEpoch> keptEpochs(String model) {
        return selected.stream().filter(s -> s.model().equals(model)).toList();
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String plainPercent(List<Double> values) {
        if (values.isEmpty()) {
            return "—";
        }
        SeedSummary s = SeedSummary.of(values.stream().map(v -> 100 * v).toList());
        return values.size() == 1 ? String.format(Locale.ROOT, "%.2f", s.mean())
                : String.format(Locale.ROOT, "%.2f ± %.2f", s.mean(), s.std());
    }

    private interface Cell {
        String of(List<ModelResult> runs);
    }

    private static void row(
            StringBuilder md, String name, Map<String, List<ModelResult>> byModel, Cell cell, boolean forOld) {
        md.append("| ").append(name).append(" |");
        for (List<ModelResult> runs : byModel.values()) {
            boolean old = runs.get(0).isOldModel();
            md.append(' ').append(old && !forOld ? "—" : cell.of(runs)).append(" |");
        }
        md.append('\n');
    }

    private static String rateCell(List<Double> values, Interval firstSeedInterval) {
        if (values.size() == 1) {
            return percentWithInterval(values.get(0), firstSeedInterval);
        }
        SeedSummary s = SeedSummary.of(values);
        return String.format(Locale.ROOT, "%.2f ± %.2f", 100 * s.mean(), 100 * s.std());
    }

    private static String plainCell(List<Double> values) {
        SeedSummary s = SeedSummary.of(values);
        return values.size() == 1
                ? String.format(Locale.ROOT, "%.3f", s.mean())
                : String.format(Locale.ROOT, "%.3f ± %.3f", s.mean(), s.std());
    }

    private static String plainCount(List<ModelResult> runs, java.util.function.ToLongFunction<FlipReport> count) {
        if (runs.size() == 1) {
            return Long.toString(count.applyAsLong(runs.get(0).vsOld()));
        }
        SeedSummary s = SeedSummary.of(runs.stream().map(r -> (double) count.applyAsLong(r.vsOld())).toList());
        return String.format(Locale.ROOT, "%.1f ± %.1f", s.mean(), s.std());
    }

    static List<Double> perSeed(List<ModelResult> runs, ToDoubleFunction<FlipReport> measure) {
        return runs.stream().map(r -> measure.applyAsDouble(r.vsOld())).toList();
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.2f", 100 * rate);
    }

    private static String percentWithInterval(double rate, Interval interval) {
        return String.format(
                Locale.ROOT, "%.2f [%.2f, %.2f]", 100 * rate, 100 * interval.lower(), 100 * interval.upper());
    }

    private String className(int c) {
        return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }

    static long errors(ModelResult result, int[] labels) {
        int[] predictions = result.testPredictions();
        long errors = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] != labels[i]) {
                errors++;
            }
        }
        return errors;
    }

    static double errorRate(ModelResult result, int[] labels) {
        return labels.length == 0 ? 0.0 : (double) errors(result, labels) / labels.length;
    }

    private static String csvText(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    /** Builds a {@link ReportWriter}: {@code setRunDirectory} is required. */
    public static final class Builder {
        private Path runDirectory;
        private List<String> classNames = List.of();
        private int listedFlips = 20;
        private int chartWidth = 800;
        private int chartHeight = 500;
        private LoadingRate loading;
        private List<SelectedEpoch> selected = List.of();
        private List<InterpolationCurve> interpolation = List.of();
        private SelectionSettings selection;
        private Map<String, String> settings = Map.of();
        private List<String> notes = List.of();
        private List<String> merged = List.of();
        private IntFunction<BufferedImage> testImages;
        private int galleryPageSize = 100;
        private String title;

        /**
         * Sets where {@value #REPORT_HTML} takes the test samples' images from, for its gallery of flipped samples.
         *
         * @param testImages the image of a test sample by its index in the test set (the CSV's {@code
         *     sample_index}); null (default) for a gallery without images
         * @return this builder
         */
        public Builder optTestImages(IntFunction<BufferedImage> testImages) {
            this.testImages = testImages;
            return this;
        }

        /**
         * Sets how many flipped samples one page of a gallery in {@value #REPORT_HTML} shows; default 100.
         *
         * @param pageSize the number, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder optGalleryPageSize(int pageSize) {
            if (pageSize < 1) {
                throw new IllegalArgumentException("gallery page size must be >= 1, got " + pageSize);
            }
            galleryPageSize = pageSize;
            return this;
        }

        /**
         * Sets the name {@value #REPORT_HTML} gives the run in its title; default the run directory's name.
         *
         * @param title the name, e.g. the job's
         * @return this builder
         */
        public Builder optTitle(String title) {
            this.title = title;
            return this;
        }

        /**
         * Sets what the report must say before its results about how the models were loaded, e.g. that the
         * user trusted code in the old model's directory.
         *
         * @param notes one sentence each; empty (default) for none
         * @return this builder
         */
        public Builder optNotes(List<String> notes) {
            this.notes = List.copyOf(notes);
            return this;
        }

        /**
         * Sets what the report says before its results about the runs it merges (see {@link MergedRuns}): which
         * runs, and which of their models are listed once or renamed.
         *
         * @param lines one sentence each; empty (default) for a report of one run
         * @return this builder
         */
        public Builder optMerged(List<String> lines) {
            this.merged = List.copyOf(lines);
            return this;
        }

        /**
         * Sets every model's kept epoch and the rule that chose it, for the report's selection section.
         *
         * @param selected the kept epochs, in training order
         * @param selection the rule, or null when unknown
         * @return this builder
         */
        public Builder optSelection(List<SelectedEpoch> selected, SelectionSettings selection) {
            this.selected = List.copyOf(selected);
            this.selection = selection;
            return this;
        }

        /**
         * Sets the weight-interpolation curves (one per seed), for the report's interpolation section and chart;
         * empty (default) for a run without interpolation.
         *
         * @param curves the curves
         * @return this builder
         */
        public Builder optInterpolation(List<InterpolationCurve> curves) {
            this.interpolation = List.copyOf(curves);
            return this;
        }

        /**
         * Declares the run a sweep: the PC settings by model name with their loss in words, and any other model
         * the sweep table should describe (e.g. a reference ensemble). The report then gets a sweep table, the
         * Pareto front and the setting the rule picks among those with kept epochs; empty (default) for one
         * setting.
         *
         * @param settings description per model name
         * @return this builder
         */
        public Builder optSettings(Map<String, String> settings) {
            this.settings = Map.copyOf(new LinkedHashMap<>(settings));
            return this;
        }

        /**
         * Sets the measured rate of the input pipeline alone, reported next to the training rates.
         *
         * @param loading the rate, or null when not measured
         * @return this builder
         */
        public Builder optLoadingRate(LoadingRate loading) {
            this.loading = loading;
            return this;
        }

        private Builder() {}

        /**
         * Sets the directory the report goes to; it is created if missing.
         *
         * @param runDirectory the run directory
         * @return this builder
         */
        public Builder setRunDirectory(Path runDirectory) {
            this.runDirectory = Objects.requireNonNull(runDirectory, "runDirectory");
            return this;
        }

        /**
         * Sets the class names shown in {@code report.md} and {@code metrics.json} instead of class
         * indices; default none.
         *
         * @param classNames the names, indexed by class
         * @return this builder
         */
        public Builder optClassNames(List<String> classNames) {
            this.classNames = List.copyOf(classNames);
            return this;
        }

        /**
         * Sets how many negative flips per model and seed {@code report.md} lists; default 20 (the
         * CSV has them all).
         *
         * @param listedFlips the number, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder optListedFlips(int listedFlips) {
            if (listedFlips < 0) {
                throw new IllegalArgumentException("listedFlips must be >= 0, got " + listedFlips);
            }
            this.listedFlips = listedFlips;
            return this;
        }

        /**
         * Sets the size of each chart panel in pixels; default 800 x 500.
         *
         * @param width the width, {@code >= 100}
         * @param height the height, {@code >= 100}
         * @return this builder
         * @throws IllegalArgumentException if a side is below 100
         */
        public Builder optChartSize(int width, int height) {
            if (width < 100 || height < 100) {
                throw new IllegalArgumentException("Chart size must be at least 100 x 100, got " + width + " x " + height);
            }
            chartWidth = width;
            chartHeight = height;
            return this;
        }

        /**
         * Builds the writer.
         *
         * @return the writer
         * @throws IllegalStateException if no run directory was set
         */
        public ReportWriter build() {
            if (runDirectory == null) {
                throw new IllegalStateException("ReportWriter needs setRunDirectory(...)");
            }
            return new ReportWriter(this);
        }
    }
}
