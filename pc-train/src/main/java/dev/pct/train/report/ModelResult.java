package dev.pct.train.report;

import dev.pct.core.metrics.FlipReport;
import java.util.Arrays;
import java.util.Objects;

/**
 * The test-set outcome of one trained model and seed.
 *
 * @param model the model role, e.g. {@code "old"}, {@code "baseline"} or {@code "pc"}
 * @param seed the random seed of the run
 * @param testPredictions the predicted class of every test sample, in test-set order
 * @param vsOld the flips of this model against the old model on the test set; {@code null} for the
 *     old model itself
 */
public record ModelResult(String model, int seed, int[] testPredictions, FlipReport vsOld) {

    /**
     * Creates a result, copying the predictions.
     *
     * @throws IllegalArgumentException if {@code model} is blank
     */
    public ModelResult {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("ModelResult model must not be blank");
        }
        testPredictions = Objects.requireNonNull(testPredictions, "testPredictions").clone();
    }

    /**
     * Returns the predicted classes.
     *
     * @return a copy of the test predictions
     */
    @Override
    public int[] testPredictions() {
        return testPredictions.clone();
    }

    /**
     * Returns whether this is the old model's result, the reference of every flip.
     *
     * @return {@code vsOld() == null}
     */
    public boolean isOldModel() {
        return vsOld == null;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof ModelResult r
                && model.equals(r.model)
                && seed == r.seed
                && Arrays.equals(testPredictions, r.testPredictions)
                && Objects.equals(vsOld, r.vsOld);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(model, seed, Arrays.hashCode(testPredictions), vsOld);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ModelResult[model=" + model + ", seed=" + seed + ", samples=" + testPredictions.length
                + ", vsOld=" + vsOld + "]";
    }
}
