package dev.pct.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.pct.core.loss.FocalDistillationLoss;

/**
 * The three implementations of the loss path that {@link LossPathBenchmark} measures side by side
 * and {@link OpCensus} profiles: the naive autograd composition, pct's closed-form loss, and DJL's
 * cross-entropy as the floor.
 *
 * <p>Each has a short key, used as the JMH counter prefix ({@code naiveNanos}, {@code naiveCalls},
 * ...) and in the op census, so that {@link ResultTable} finds every number by the same name.
 */
public enum LossImplementation {

    /** {@link NaiveFocalDistillation} with the raw labels {@code [y, oldLogits]}. */
    NAIVE("naive"),

    /**
     * {@link FocalDistillationLoss} with labels precomputed once by {@link
     * FocalDistillationLoss#teacherLabels}, as the training job does.
     */
    PCT("pct"),

    /** DJL's {@link SoftmaxCrossEntropyLoss} with sparse labels: the floor of any loss here. */
    CROSS_ENTROPY("crossEntropy");

    private final String key;

    LossImplementation(String key) {
        this.key = key;
    }

    /**
     * Returns the short name of the implementation.
     *
     * @return {@code naive}, {@code pct} or {@code crossEntropy}
     */
    public String key() {
        return key;
    }

    /**
     * Returns the name of the JMH counter that sums this implementation's step times.
     *
     * @return the key followed by {@code Nanos}
     */
    public String nanosCounter() {
        return key + "Nanos";
    }

    /**
     * Returns the name of the JMH counter that counts this implementation's steps.
     *
     * @return the key followed by {@code Calls}
     */
    public String callsCounter() {
        return key + "Calls";
    }

    /**
     * Builds this implementation's loss and the labels it takes for one batch. The precomputed
     * labels of {@link #PCT} are made here, once, and belong to {@code oldLogits}' manager.
     *
     * @param settings the focal distillation settings (ignored by {@link #CROSS_ENTROPY})
     * @param y the true classes, shape (N), int64
     * @param oldLogits the old model's logits, shape (N, C)
     * @return the loss and its labels
     */
    public Prepared prepare(FocalDistillationLoss settings, NDArray y, NDArray oldLogits) {
        switch (this) {
            case NAIVE:
                return new Prepared(new NaiveFocalDistillation(settings), new NDList(y, oldLogits));
            case PCT:
                return new Prepared(settings, settings.teacherLabels(y, oldLogits));
            case CROSS_ENTROPY:
                return new Prepared(new SoftmaxCrossEntropyLoss(), new NDList(y));
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * A loss with the labels it takes, ready for {@link LossPathBenchmark#step}.
     *
     * @param loss the loss
     * @param labels its labels
     */
    public record Prepared(Loss loss, NDList labels) {}
}
