package dev.pct.core.loss;

/**
 * How the per-sample distance of {@link FocalDistillationLoss} reduces over classes.
 *
 * <p>The paper sums over classes. The public PyTorch reference code averages over classes instead
 * (it applies a mean over all elements), which makes its distillation term a factor C smaller; use
 * {@link #MEAN} to reproduce numbers obtained with that code.
 *
 * <p>For {@link Distance#LDI}, which compares a set {@code S_i} of classes per sample (all, the top k,
 * without the true class), the reduction is over that set: {@link #MEAN} divides by {@code |S_i|}, which
 * is ELODI's definition, and {@link #SUM} is {@code |S_i|} times that mean.
 */
public enum ClassReduction {
    /** Sum the distance over classes, as written in the paper (the default); for LDI over {@code S_i}. */
    SUM,

    /**
     * Divide the summed distance by the number of classes C, as the public reference code does; for LDI
     * by the number {@code |S_i|} of classes it compares.
     */
    MEAN
}
