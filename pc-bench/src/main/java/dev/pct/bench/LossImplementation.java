package dev.pct.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;

/**
 * The implementations of the loss path that {@link LossPathBenchmark} measures side by side and
 * {@link OpCensus} profiles: the naive autograd composition, pct's loss, pct's loss at KL tau 1 (the
 * yardstick of the other distances: each should cost at most twice what it costs), and DJL's
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

    /**
     * {@link FocalDistillationLoss} with the case's alpha, beta, lambda, filter and class reduction but
     * KL at tau 1 (the soft-target layout), labels precomputed once: the path every distance is held
     * to, timed in the same iterations.
     */
    PCT_TAU1("pctTau1"),

    /** DJL's {@link SoftmaxCrossEntropyLoss} with sparse labels: the floor of any loss here. */
    CROSS_ENTROPY("crossEntropy");

    private final String key;

    LossImplementation(String key) {
        this.key = key;
    }

    /**
     * Returns the short name of the implementation.
     *
     * @return {@code naive}, {@code pct}, {@code pctTau1} or {@code crossEntropy}
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
            case PCT_TAU1:
                FocalDistillationLoss tau1 = atTau1(settings);
                return new Prepared(tau1, tau1.teacherLabels(y, oldLogits));
            case CROSS_ENTROPY:
                return new Prepared(new SoftmaxCrossEntropyLoss(), new NDList(y));
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * The same settings with KL at tau 1.
     *
     * @param settings a loss
     * @return alpha, beta, lambda, filter and class reduction of {@code settings}, distance KL, tau 1
     */
    static FocalDistillationLoss atTau1(FocalDistillationLoss settings) {
        return FocalDistillationLoss.builder()
                .optAlpha(settings.getAlpha())
                .optBeta(settings.getBeta())
                .optLambda(settings.getLambda())
                .optFilter(settings.getFilter())
                .optClassReduction(settings.getClassReduction())
                .optDistance(Distance.KL)
                .optTau(1f)
                .build();
    }

    /**
     * A loss with the labels it takes, ready for {@link LossPathBenchmark#step}.
     *
     * @param loss the loss
     * @param labels its labels
     */
    public record Prepared(Loss loss, NDList labels) {}
}
