package dev.pct.train.report;

import dev.pct.core.metrics.FlipReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything a finished run hands to {@link ReportWriter}.
 *
 * <p>The old model is the reference of every flip: if {@code models} holds no result with {@code
 * vsOld == null}, the report shows the old model as {@code "old"}, seed 0, from {@code
 * oldPredictions}.
 *
 * @param testLabels the true class of every test sample
 * @param oldPredictions the old model's predicted class of every test sample
 * @param models one result per model and seed, in the order the report should show them
 * @param history the per-epoch measurements of every model and seed, possibly empty
 * @param oldConfidences the probability the old model gave its predicted class, per test sample, or {@code null}
 *     when unknown
 */
public record RunResults(
        int[] testLabels, int[] oldPredictions, List<ModelResult> models, List<EpochRecord> history,
        float[] oldConfidences) {

    /**
     * Creates run results after checking that every result covers the same test set and that each
     * new model's flip report agrees with its predictions.
     *
     * @throws IllegalArgumentException naming the model and seed whose data do not fit
     */
    public RunResults {
        testLabels = Objects.requireNonNull(testLabels, "testLabels").clone();
        oldPredictions = Objects.requireNonNull(oldPredictions, "oldPredictions").clone();
        models = List.copyOf(Objects.requireNonNull(models, "models"));
        history = List.copyOf(Objects.requireNonNull(history, "history"));
        int n = testLabels.length;
        if (oldPredictions.length != n) {
            throw new IllegalArgumentException(
                    "oldPredictions has " + oldPredictions.length + " entries, testLabels has " + n);
        }
        if (oldConfidences != null) {
            if (oldConfidences.length != n) {
                throw new IllegalArgumentException(
                        "oldConfidences has " + oldConfidences.length + " entries, testLabels has " + n);
            }
            oldConfidences = oldConfidences.clone();
        }
        for (ModelResult result : models) {
            String who = result.model() + " (seed " + result.seed() + ")";
            int[] predictions = result.testPredictions();
            if (predictions.length != n) {
                throw new IllegalArgumentException(
                        who + " has " + predictions.length + " test predictions, testLabels has " + n);
            }
            FlipReport flips = result.vsOld();
            if (flips == null) {
                continue;
            }
            if (flips.total() != n) {
                throw new IllegalArgumentException(who + " flip report covers " + flips.total() + " samples, expected " + n);
            }
            for (long index : flips.negativeFlipIndices()) {
                // A report computed on another order or subset would put wrong rows in the CSV.
                if (index >= n
                        || oldPredictions[(int) index] != testLabels[(int) index]
                        || predictions[(int) index] == testLabels[(int) index]) {
                    throw new IllegalArgumentException(
                            who + " lists sample " + index
                                    + " as a negative flip, but the labels and predictions disagree");
                }
            }
        }
    }

    /**
     * Creates run results without the old model's confidences.
     *
     * @param testLabels the true class of every test sample
     * @param oldPredictions the old model's predicted class of every test sample
     * @param models one result per model and seed
     * @param history the per-epoch measurements
     */
    public RunResults(int[] testLabels, int[] oldPredictions, List<ModelResult> models, List<EpochRecord> history) {
        this(testLabels, oldPredictions, models, history, null);
    }

    /**
     * Returns the results with the old model first, then the new models in the given order.
     *
     * @return the old model's results (given, or built from {@code oldPredictions}) then the others
     */
    public List<ModelResult> modelsOldFirst() {
        List<ModelResult> ordered = new ArrayList<>();
        models.stream().filter(ModelResult::isOldModel).forEach(ordered::add);
        if (ordered.isEmpty()) {
            ordered.add(new ModelResult(ModelRoles.OLD, 0, oldPredictions, null, oldConfidences));
        }
        models.stream().filter(r -> !r.isOldModel()).forEach(ordered::add);
        return ordered;
    }

    /**
     * Returns the true classes.
     *
     * @return a copy of the test labels
     */
    @Override
    public int[] testLabels() {
        return testLabels.clone();
    }

    /**
     * Returns the old model's predictions.
     *
     * @return a copy of the old model's predicted classes
     */
    @Override
    public int[] oldPredictions() {
        return oldPredictions.clone();
    }

    /**
     * Returns the old model's confidences.
     *
     * @return a copy, or {@code null} when unknown
     */
    @Override
    public float[] oldConfidences() {
        return oldConfidences == null ? null : oldConfidences.clone();
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof RunResults r
                && Arrays.equals(testLabels, r.testLabels)
                && Arrays.equals(oldPredictions, r.oldPredictions)
                && models.equals(r.models)
                && history.equals(r.history)
                && Arrays.equals(oldConfidences, r.oldConfidences);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(testLabels), Arrays.hashCode(oldPredictions), models, history,
                Arrays.hashCode(oldConfidences));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "RunResults[samples=" + testLabels.length + ", models=" + models.size()
                + ", history=" + history.size() + "]";
    }
}
