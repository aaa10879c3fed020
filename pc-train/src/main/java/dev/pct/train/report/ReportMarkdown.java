package dev.pct.train.report;

import dev.pct.core.metrics.FlipReport;
import dev.pct.core.metrics.Interval;
import dev.pct.train.io.Spelling;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.selection.SweepChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text of {@code report.md}, section by section: the side-by-side table of the models, the negative flips
 * listed, the per-class NFR, the kept epochs, the interpolation curve, the sweep and its choice, the throughput and
 * the charts. {@link ReportWriter} writes it and renders most of its tables again in {@code report.html}.
 */
final class ReportMarkdown {
    private final List<String> classNames;
    private final int listedFlips;
    private final ReportWriter.LoadingRate loading;
    private final List<SelectedEpoch> selected;
    private final List<InterpolationCurve> interpolation;
    private final SelectionSettings selection;
    private final Map<String, String> settings;
    private final List<String> notes;
    private final List<String> merged;

    ReportMarkdown(List<String> classNames, int listedFlips, ReportWriter.LoadingRate loading,
            List<SelectedEpoch> selected, List<InterpolationCurve> interpolation, SelectionSettings selection,
            Map<String, String> settings, List<String> notes, List<String> merged) {
        this.classNames = classNames;
        this.listedFlips = listedFlips;
        this.loading = loading;
        this.selected = selected;
        this.interpolation = interpolation;
        this.selection = selection;
        this.settings = settings;
        this.notes = notes;
        this.merged = merged;
    }

    Sections sections(
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
        row(md, "error rate", byModel, runs -> rateCell(runs.stream().map(r -> ReportWriter.errorRate(r, labels)).toList(),
                Interval.wilson(ReportWriter.errors(runs.get(0), labels), labels.length)), true);
        row(md, "negative flip rate", byModel, runs -> rateCell(ReportWriter.perSeed(runs, FlipReport::negativeFlipRate),
                runs.get(0).vsOld().negativeFlipRateInterval()), false);
        row(md, "positive flip rate", byModel, runs -> rateCell(ReportWriter.perSeed(runs, FlipReport::positiveFlipRate),
                runs.get(0).vsOld().positiveFlipRateInterval()), false);
        row(md, "relative NFR", byModel, runs -> plainCell(ReportWriter.perSeed(runs, FlipReport::relativeNegativeFlipRate)),
                false);
        row(md, "negative flip impact", byModel, runs -> plainCell(ReportWriter.perSeed(runs, FlipReport::negativeFlipImpact)),
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
                        percent(flips.negativeFlipRate()), ReportWriter.negativeFlipsFileName(result.model())));
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
            charts.append("![learning curves](").append(ReportWriter.LEARNING_CURVES_PNG).append(")\n\n");
        }
        charts.append("![test error vs negative flip rate](").append(ReportWriter.ERROR_VS_NFR_PNG).append(")\n");
        return new Sections(md.toString(), flipList.toString(), perClass.toString(), selectionMd.toString(),
                sweepMd.toString(), throughputMd.toString(), charts.toString());
    }

    /** The sections of {@code report.md}, in order; {@code report.html} renders the tables of most of them. */
    record Sections(String summary, String flipList, String perClass, String selection, String sweep,
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
        md.append("\n![error and NFR over a](").append(ReportWriter.INTERPOLATION_PNG).append(")\n");
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
            mean(ReportWriter.perSeed(runs, FlipReport::negativeFlipRate)), mean(runs.stream().map(r -> ReportWriter.errorRate(r, labels))
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
                    rateCell(runs.stream().map(r -> ReportWriter.errorRate(r, labels)).toList(),
                            Interval.wilson(ReportWriter.errors(runs.get(0), labels), labels.length)),
                    rateCell(ReportWriter.perSeed(runs, FlipReport::negativeFlipRate),
                            runs.get(0).vsOld().negativeFlipRateInterval()),
                    front.contains(e.getKey()) ? "◆" : ""));
        }
        String chosen = chooseSetting();
        if (chosen != null) {
            List<ModelResult> runs = newModels.get(chosen);
            md.append(String.format(Locale.ROOT, "%nChosen on validation: **%s** (%s), test error %s, test NFR %s.%n",
                    chosen, settings.get(chosen), plainPercent(runs.stream().map(r -> ReportWriter.errorRate(r, labels)).toList()),
                    plainPercent(ReportWriter.perSeed(runs, FlipReport::negativeFlipRate))));
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
            return ReportWriter.percentWithInterval(values.get(0), firstSeedInterval);
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

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.2f", 100 * rate);
    }

    private String className(int c) {
        return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }
}
