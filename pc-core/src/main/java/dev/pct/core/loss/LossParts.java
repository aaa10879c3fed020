package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;

/**
 * One evaluation of {@link FocalDistillationLoss}: the loss to differentiate and its two parts, as
 * returned by {@link FocalDistillationLoss#evaluateParts}.
 *
 * <p>Every array is a scalar on the device of the predictions and belongs to their manager: reading
 * one ({@code getFloat()}) is a host synchronization that the caller decides to pay, and closing that
 * manager frees them. The parts carry no gradient. They belong to the call that made them, so
 * concurrent or interleaved evaluations never see each other's values.
 *
 * @param loss the loss, {@code crossEntropy + distillation}, carrying the gradient
 * @param crossEntropy the mean cross-entropy {@code mean_i CE(z_i, y_i)}, detached
 * @param distillation the weighted distillation term {@code lambda * mean_i w_i * D(z_i, o_i)},
 *     detached
 */
public record LossParts(NDArray loss, NDArray crossEntropy, NDArray distillation) {}
