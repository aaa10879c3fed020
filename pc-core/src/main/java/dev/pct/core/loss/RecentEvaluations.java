package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * The loss values of recent evaluations, so that {@link FocalDistillationLoss#updateAccumulators} reuses the
 * value of the step's own evaluation instead of computing the loss a second time.
 */
final class RecentEvaluations {

    /** Recent evaluations kept for {@link FocalDistillationLoss#updateAccumulators}: one per device is enough. */
    private static final int RECENT_CAPACITY = 8;

    private final Deque<Evaluation> recent = new ArrayDeque<>();

    /** Remembers an evaluation, replacing one of the same predictions and forgetting the oldest beyond capacity. */
    void remember(Evaluation evaluation) {
        synchronized (recent) {
            recent.removeIf(e -> e.predictions == evaluation.predictions);
            if (recent.size() == RECENT_CAPACITY) {
                recent.removeFirst();
            }
            recent.addLast(evaluation);
        }
    }

    /**
     * The value of a remembered evaluation of the same {@code predictions[0]} and {@code labels[0]} (identity),
     * or null when there is none or its value was freed.
     */
    NDArray recall(NDList predictions, NDList labels) {
        if (predictions == null || predictions.isEmpty() || labels == null || labels.isEmpty()) {
            return null;
        }
        NDArray head = predictions.get(0);
        NDArray label = labels.get(0);
        synchronized (recent) {
            Iterator<Evaluation> it = recent.descendingIterator();
            while (it.hasNext()) {
                Evaluation e = it.next();
                if (e.predictions == head && e.labels == label) {
                    // A closed manager frees the value; evaluate afresh rather than read freed memory.
                    return e.value.isReleased() ? null : e.value;
                }
            }
        }
        return null;
    }

    /** One evaluation: the arrays it was computed from (compared by identity) and its value. */
    record Evaluation(NDArray predictions, NDArray labels, NDArray value) {}
}
