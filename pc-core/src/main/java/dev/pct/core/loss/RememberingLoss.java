package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import java.util.HashMap;
import java.util.Map;

/**
 * A distillation loss computed by one {@link #compute} for {@link #evaluate} and {@link #evaluateParts}, whose
 * accumulators follow DJL's semantics (the mean over updates of the scalar loss) and reuse the value of the step's
 * own evaluation, which {@link #remember} records, instead of computing the loss a second time per step.
 */
abstract class RememberingLoss extends Loss implements DistillationLoss {

    private final Map<String, Float> totalLoss = new HashMap<>();
    private final RecentEvaluations recent = new RecentEvaluations();

    RememberingLoss(String name) {
        super(name);
    }

    /**
     * Computes the loss, and with {@code withParts} its cross-entropy and distillation parts.
     *
     * @param labels the loss's labels
     * @param predictions {@code [z]}, the new model's logits (N×C)
     * @param withParts whether to compute the parts too
     * @return the loss (parts null without {@code withParts}), owned by the manager of {@code predictions[0]}
     */
    abstract LossParts compute(NDList labels, NDList predictions, boolean withParts);

    /**
     * Computes the loss; see the class documentation of the loss for its labels.
     *
     * @param labels the loss's labels
     * @param predictions {@code [z]}, the new model's logits (N×C)
     * @return the scalar loss, owned by the manager of {@code predictions[0]}
     * @throws IllegalArgumentException if the labels do not fit the loss or the logits
     */
    @Override
    public final NDArray evaluate(NDList labels, NDList predictions) {
        return compute(labels, predictions, false).loss();
    }

    /**
     * Computes the loss like {@link #evaluate} and also its cross-entropy and distillation parts, for logging. The
     * parts cost a few native calls more and no host read; they belong to this call alone.
     *
     * @param labels the loss's labels
     * @param predictions {@code [z]}, the new model's logits (N×C)
     * @return the loss and its detached parts, owned by the manager of {@code predictions[0]}
     * @throws IllegalArgumentException as {@link #evaluate} does
     */
    @Override
    public final LossParts evaluateParts(NDList labels, NDList predictions) {
        return compute(labels, predictions, true);
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
