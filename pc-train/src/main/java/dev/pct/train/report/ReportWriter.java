package dev.pct.train.report;

import dev.pct.core.metrics.FlipReport;
import dev.pct.core.metrics.Interval;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.selection.SelectionSettings;
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
    private final int chartWidth;
    private final int chartHeight;
    private final List<InterpolationCurve> interpolation;
    private final IntFunction<BufferedImage> testImages;
    private final int galleryPageSize;
    private final String title;
    /** report.md's sections. */
    private final ReportMarkdown markdown;

    /**
     * How fast the input pipeline prepared batches with nothing else running.
     *
     * @param imagesPerSecond images prepared per second
     * @param workers the worker threads that prepared them
     */
    public record LoadingRate(double imagesPerSecond, int workers) {}

    private ReportWriter(Builder builder) {
        interpolation = builder.interpolation;
        testImages = builder.testImages;
        galleryPageSize = builder.galleryPageSize;
        title = builder.title;
        runDirectory = builder.runDirectory;
        classNames = builder.classNames;
        chartWidth = builder.chartWidth;
        chartHeight = builder.chartHeight;
        markdown = new ReportMarkdown(builder.classNames, builder.listedFlips, builder.loading, builder.selected,
                builder.interpolation, builder.selection, builder.settings, builder.notes, builder.merged);
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

        ReportMarkdown.Sections md = markdown.sections(models, newModels, labels, oldPredictions, hasCurves,
                results.history());
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

    static List<Double> perSeed(List<ModelResult> runs, ToDoubleFunction<FlipReport> measure) {
        return runs.stream().map(r -> measure.applyAsDouble(r.vsOld())).toList();
    }

    static String percentWithInterval(double rate, Interval interval) {
        return String.format(
                Locale.ROOT, "%.2f [%.2f, %.2f]", 100 * rate, 100 * interval.lower(), 100 * interval.upper());
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
