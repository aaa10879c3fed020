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
 * @param testConfidences the probability (softmax) this model gave its predicted class, per test sample; {@code
 *     null} when unknown (the report then shows no confidences)
 */
public record ModelResult(String model, int seed, int[] testPredictions, FlipReport vsOld, float[] testConfidences) {

    /**
     * Creates a result, copying the arrays.
     *
     * @throws IllegalArgumentException if {@code model} is blank or the confidences are not one per prediction
     */
    public ModelResult {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("ModelResult model must not be blank");
        }
        testPredictions = Objects.requireNonNull(testPredictions, "testPredictions").clone();
        if (testConfidences != null) {
            if (testConfidences.length != testPredictions.length) {
                throw new IllegalArgumentException(model + " (seed " + seed + ") has " + testConfidences.length
                        + " confidences for " + testPredictions.length + " test predictions");
            }
            testConfidences = testConfidences.clone();
        }
    }

    /**
     * Creates a result without confidences.
     *
     * @param model the model role
     * @param seed the random seed of the run
     * @param testPredictions the predicted class of every test sample
     * @param vsOld the flips against the old model, or {@code null} for the old model itself
     */
    public ModelResult(String model, int seed, int[] testPredictions, FlipReport vsOld) {
        this(model, seed, testPredictions, vsOld, null);
    }

    /**
     * Returns the confidences.
     *
     * @return a copy of the probability of each predicted class, or {@code null} when unknown
     */
    @Override
    public float[] testConfidences() {
        return testConfidences == null ? null : testConfidences.clone();
    }

    /**
     * Returns whether the confidences are known.
     *
     * @return {@code testConfidences() != null}
     */
    public boolean hasConfidences() {
        return testConfidences != null;
    }

    /**
     * Returns one sample's confidence without copying the array.
     *
     * @param index the test sample
     * @return the probability of its predicted class, or NaN when unknown
     */
    public double confidence(int index) {
        return testConfidences == null ? Double.NaN : testConfidences[index];
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
                && Objects.equals(vsOld, r.vsOld)
                && Arrays.equals(testConfidences, r.testConfidences);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(model, seed, Arrays.hashCode(testPredictions), vsOld, Arrays.hashCode(testConfidences));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ModelResult[model=" + model + ", seed=" + seed + ", samples=" + testPredictions.length
                + ", vsOld=" + vsOld + "]";
    }

    /**
     * This result under another model name (a merged report's name for a run's model).
     *
     * @param name the name
     * @return the copy
     */
    public ModelResult withModel(String name) {
        return new ModelResult(name, seed, testPredictions, vsOld, testConfidences);
    }
}
