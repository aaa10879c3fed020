package dev.pct.train.api;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.report.Confidence;
import dev.pct.train.report.EpochRecord;
import dev.pct.train.report.InterpolationCurve;
import dev.pct.train.report.ModelResult;
import dev.pct.train.report.RunResults;
import dev.pct.train.report.SelectedEpoch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run (or the read-back of a finished one) found, in training order: every reported model's test results
 * scored against the old model's test predictions, the epochs' history, the kept epoch of every stage, the weight
 * interpolation curves and the exported models. The report is written from it.
 */
final class RunRecord {
    private final int classes;
    private final int[] labels;
    private final int[] oldTestPredictions;
    private final List<ModelResult> results = new ArrayList<>();
    private final List<EpochRecord> history = new ArrayList<>();
    private final List<SelectedEpoch> selected = new ArrayList<>();
    private final List<InterpolationCurve> curves = new ArrayList<>();
    private final Map<String, Path> models = new LinkedHashMap<>();

    /**
     * Starts an empty record.
     *
     * @param classes the number of classes
     * @param labels the test set's labels
     * @param oldTestPredictions the old model's test predictions, which every model's flips are counted against
     */
    RunRecord(int classes, int[] labels, int[] oldTestPredictions) {
        this.classes = classes;
        this.labels = labels;
        this.oldTestPredictions = oldTestPredictions;
    }

    /** An empty record for a run that has not yet read its old model's outputs: nothing can be scored in it. */
    static RunRecord empty() {
        return new RunRecord(0, new int[0], new int[0]);
    }

    /** Adds epochs of a stage that is not a reported model (the old model trained in the job). */
    void addHistory(List<EpochRecord> epochs) {
        history.addAll(epochs);
    }

    /**
     * Adds a reported stage: its history, its exported model, its test results and its kept epoch.
     *
     * @param model the stage's name
     * @param seed the run's seed
     * @param errorBound the selection's error bound for the stage (NaN for none)
     * @param outcome what the stage left
     */
    void addStage(String model, int seed, double errorBound, StageRunner.Outcome outcome) {
        history.addAll(outcome.history());
        if (outcome.exported() != null) {
            models.put(model + " seed " + seed, outcome.exported());
        }
        addModel(model, seed, outcome.testLogits());
        StageRunner.Selected s = outcome.selected();
        selected.add(new SelectedEpoch(model, seed, s.rule(), s.epoch(), s.epochsTrained(), s.fallback(),
                errorBound, outcome.selectedRecord()));
    }

    /**
     * Adds a model's test results, scored from its test logits against the old model's predictions.
     *
     * @param model the model's name in the report
     * @param seed the run's seed
     * @param testLogits the model's test logits, row-major
     * @return the model's flip figures against the old model
     */
    FlipReport addModel(String model, int seed, float[] testLogits) {
        int[] predictions = FlipAccumulator.argmax(testLogits, classes);
        FlipAccumulator flips = new FlipAccumulator(classes);
        flips.add(labels, oldTestPredictions, predictions);
        FlipReport report = flips.report();
        results.add(new ModelResult(model, seed, predictions, report, Confidence.ofLogits(testLogits, classes)));
        return report;
    }

    /** Adds a seed's weight-interpolation curve, and its kept model's export when it has one. */
    void addInterpolation(String model, int seed, InterpolationCurve curve, Path exported) {
        curves.add(curve);
        if (exported != null) {
            models.put(model + " seed " + seed, exported);
        }
    }

    /** The old model's test predictions. */
    int[] oldTestPredictions() {
        return oldTestPredictions;
    }

    /** The reported models' results, in the order they were added. */
    List<ModelResult> results() {
        return results;
    }

    /** The kept epoch of every reported stage. */
    List<SelectedEpoch> selected() {
        return selected;
    }

    /** The weight-interpolation curves, one per seed that interpolated. */
    List<InterpolationCurve> curves() {
        return curves;
    }

    /** The exported models, by {@code "<model> seed <seed>"}. */
    Map<String, Path> models() {
        return models;
    }

    /**
     * The report's input.
     *
     * @param oldTestConfidences the old model's confidence per test sample
     * @return the run's results
     */
    RunResults toResults(float[] oldTestConfidences) {
        return new RunResults(labels, oldTestPredictions, results, history, oldTestConfidences);
    }
}
