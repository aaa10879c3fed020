package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;

/**
 * Two-source distillation: focal distillation toward the old model plus a second distillation term toward another
 * reference, each with its own distance, weights and lambda. With true classes {@code y}, new logits {@code z}, old
 * logits {@code o} and the second reference's logits {@code r} (e.g. the mean of an ensemble of plain retrains of
 * the new architecture, or one of them):
 *
 * <pre>
 *   L = mean_i CE(z_i, y_i) + lambda_1 * mean_i w1_i * D1(z_i, o_i) + lambda_2 * mean_i w2_i * D2(z_i, r_i)
 * </pre>
 *
 * where each term is that of its own {@link FocalDistillationLoss} (its distance, tau, alpha, beta, filter, class
 * reduction and LDI settings), and both filters read the <em>old</em> model's correctness {@code c_i = 1[argmax
 * o_i == y_i]}. With the second term's filter {@link SampleFilter#OLD_INCORRECT}, alpha 0 and beta 1, {@code w2_i =
 * 1 - c_i}: the new model is pulled toward the old model on the samples the old model got right and toward the
 * second reference everywhere else, as MPT does (Ricci et al., AAAI 2026, <a
 * href="https://arxiv.org/abs/2511.08322">arXiv:2511.08322</a>); with the first term's alpha 0 as well, the old
 * model counts only where it is right.
 *
 * <p>Labels are {@link TwoSourceLabels}: the first loss's own {@link FocalDistillationLoss#teacherLabels} of the old
 * logits (any of its layouts, the soft target included), and {@link #getSecond()}'s labels of the reference logits
 * with the old model's correctness as the mask ({@link #teacherLabels} makes both). The second loss never takes the
 * soft-target layout: the cross-entropy is counted once, in the first term. Gradient flows to {@code predictions[0]}
 * only; the weights are constants.
 */
public final class TwoSourceDistillationLoss extends RememberingLoss {

    private final FocalDistillationLoss first;
    private final FocalDistillationLoss second;

    private TwoSourceDistillationLoss(FocalDistillationLoss first, FocalDistillationLoss second) {
        super("TwoSourceDistillationLoss");
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second").withoutSoftTarget();
    }

    /**
     * Returns the loss of two terms.
     *
     * @param towardOld the cross-entropy and the focal-distillation term toward the old model
     * @param towardSecond the settings of the term toward the second reference (its own cross-entropy is not
     *     counted); e.g. filter {@link SampleFilter#OLD_INCORRECT}, alpha 0, beta 1 for the samples the old model
     *     got wrong
     * @return the loss
     */
    public static TwoSourceDistillationLoss of(FocalDistillationLoss towardOld, FocalDistillationLoss towardSecond) {
        return new TwoSourceDistillationLoss(towardOld, towardSecond);
    }

    /**
     * Returns the loss of the cross-entropy and the term toward the old model.
     *
     * @return the first loss
     */
    public FocalDistillationLoss getFirst() {
        return first;
    }

    /**
     * Returns the loss whose distillation term pulls toward the second reference, in the general layout: its
     * {@link FocalDistillationLoss#teacherLabels} (with the old model's correctness as the mask) make the second
     * labels.
     *
     * @return the second loss
     */
    public FocalDistillationLoss getSecond() {
        return second;
    }

    /**
     * Computes both sources' terms once, for labels that batch like any others (see {@link
     * FocalDistillationLoss#teacherLabels}). The second term's filter reads the old model's decisions.
     *
     * @param y the true classes, shape (N) or (N, 1), float or integer
     * @param oldLogits the old model's logits (N, C)
     * @param secondLogits the second reference's logits (N, C)
     * @param checkRange whether to check that every label is a class in [0, C) (a host read)
     * @return the labels, owned by {@code oldLogits}' and {@code secondLogits}' managers
     * @throws IllegalArgumentException if the shapes do not match, or when checking, a label is outside [0, C)
     */
    public TwoSourceLabels teacherLabels(NDArray y, NDArray oldLogits, NDArray secondLogits, boolean checkRange) {
        if (!oldLogits.getShape().equals(secondLogits.getShape())) {
            throw new IllegalArgumentException("secondLogits: expected the old logits' shape " + oldLogits.getShape()
                    + ", got " + secondLogits.getShape());
        }
        TeacherLabels towardOld = first.teacherLabels(y, oldLogits, checkRange);
        TeacherLabels towardSecond;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            int n = Math.toIntExact(oldLogits.getShape().get(0));
            NDArray classes = y.toType(DataType.INT64, false).reshape(n);
            NDArray oldCorrect = oldLogits.argMax(1).eq(classes);
            towardSecond = second.teacherLabels(y, secondLogits, oldCorrect, false);
            for (NDArray array : towardSecond) {
                NDScope.unregister(array);
            }
        }
        return new TwoSourceLabels(towardOld, towardSecond);
    }

    @Override
    LossParts compute(NDList labels, NDList predictions, boolean withParts) {
        if (!(labels instanceof TwoSourceLabels both)) {
            throw new IllegalArgumentException("labels: expected the TwoSourceLabels of teacherLabels (the old model's"
                    + " and the second reference's terms), got " + (labels == null ? "null"
                            : "a plain " + labels.getClass().getSimpleName() + " of " + labels.size() + " arrays"));
        }
        if (predictions == null || predictions.isEmpty()) {
            throw new IllegalArgumentException("predictions: expected [newLogits (N, C)], got none");
        }
        NDList towardOld = both.first();
        LossParts one = withParts ? first.evaluateParts(towardOld, predictions)
                : new LossParts(first.evaluate(towardOld, predictions), null, null);
        NDArray z = predictions.get(0);
        NDArray other = second.distillationTerm(both.second(), z);
        NDArray loss = one.loss().add(other);
        remember(predictions, labels, loss);
        if (!withParts) {
            return new LossParts(loss, null, null);
        }
        return new LossParts(loss, one.crossEntropy(), one.distillation().add(other.stopGradient()));
    }
}
