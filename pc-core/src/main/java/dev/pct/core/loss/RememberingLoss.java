package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.HashMap;
import java.util.Map;

/**
 * A loss whose accumulators follow DJL's semantics (the mean over updates of the scalar loss) and reuse the value of
 * the step's own evaluation, which {@link #remember} records, instead of computing the loss a second time per step.
 */
abstract class RememberingLoss extends Loss {

    private final Map<String, Float> totalLoss = new HashMap<>();
    private final RecentEvaluations recent = new RecentEvaluations();

    RememberingLoss(String name) {
        super(name);
    }

    /** Records the value of an evaluation of {@code predictions[0]} against {@code labels[0]}. */
    final void remember(NDList predictions, NDList labels, NDArray value) {
        recent.remember(new RecentEvaluations.Evaluation(predictions.get(0), labels.get(0), value));
    }

    /** {@inheritDoc} */
    @Override
    public void addAccumulator(String key) {
        synchronized (totalLoss) {
            totalInstances.put(key, 0L);
            totalLoss.put(key, 0f);
        }
    }

    /**
     * Adds the loss of this batch to the accumulators, like DJL's {@link Loss}: each call counts one
     * instance per key and adds the scalar loss, so {@link #getAccumulator} is the mean loss over
     * the updates. The value of a recent {@link #evaluate} on the same {@code predictions[0]} and
     * {@code labels[0]} (identity) is reused; only otherwise is the loss evaluated again.
     *
     * @param keys the accumulators to update
     * @param labels the labels
     * @param predictions the predictions
     */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        NDArray value = recent.recall(predictions, labels);
        if (value == null) {
            value = evaluate(labels, predictions);
        }
        float update = value.getFloat();
        synchronized (totalLoss) {
            for (String key : keys) {
                totalInstances.compute(key, (k, v) -> v == null ? 1L : v + 1);
                totalLoss.compute(key, (k, v) -> v == null ? update : v + update);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void resetAccumulator(String key) {
        synchronized (totalLoss) {
            totalInstances.compute(key, (k, v) -> 0L);
            totalLoss.compute(key, (k, v) -> 0f);
        }
    }

    /** {@inheritDoc} */
    @Override
    public float getAccumulator(String key) {
        synchronized (totalLoss) {
            Long count = totalInstances.get(key);
            if (count == null) {
                throw new IllegalArgumentException("No loss found at that path: " + key);
            }
            if (count == 0) {
                return Float.NaN;
            }
            return totalLoss.get(key) / count;
        }
    }
}
