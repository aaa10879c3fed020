package dev.pct.core.loss;

/**
 * How the per-sample distance of {@link FocalDistillationLoss} reduces over classes.
 *
 * <p>The paper sums over classes. The public PyTorch reference code averages over classes instead
 * (it applies a mean over all elements), which makes its distillation term a factor C smaller; use
 * {@link #MEAN} to reproduce numbers obtained with that code.
 */
public enum ClassReduction {
    /** Sum the distance over classes, as written in the paper (the default). */
    SUM,

    /** Divide the summed distance by the number of classes C, as the public reference code does. */
    MEAN
}
