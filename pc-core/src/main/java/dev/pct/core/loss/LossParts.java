package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;

/**
 * The parts of one evaluation of {@link FocalDistillationLoss}, as scalar arrays for logging.
 *
 * <p>The arrays carry no gradient and live on the device: reading them ({@code getFloat()}) is a
 * host synchronization that the caller decides to pay. They belong to the manager of the
 * predictions they were computed from and are closed with it; do not close them yourself if that
 * manager may still be used by the loss's caller.
 *
 * @param total the loss value, {@code crossEntropy + distillation}
 * @param crossEntropy the mean cross-entropy {@code mean_i CE(z_i, y_i)}
 * @param distillation the weighted distillation term {@code lambda * mean_i w_i * D(z_i, o_i)}
 */
public record LossParts(NDArray total, NDArray crossEntropy, NDArray distillation) {}
