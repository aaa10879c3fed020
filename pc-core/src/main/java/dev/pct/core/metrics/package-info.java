/**
 * Flip metrics: counting how a model update changes individual predictions.
 *
 * <p>A <em>negative flip</em> is a sample that the old model classified correctly and the new model
 * gets wrong; a <em>positive flip</em> is the reverse. The negative flip rate (NFR) is the share of
 * all samples that flip negatively, the regression measure of Yan et al., "Positive-Congruent
 * Training: Towards Regression-Free Model Updates", CVPR 2021 (<a
 * href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>).
 *
 * <p>{@link dev.pct.core.metrics.FlipAccumulator} counts flips in a stream of batches on the host
 * and produces a {@link dev.pct.core.metrics.FlipReport}; {@link
 * dev.pct.core.metrics.FlipEvaluator} wraps it as a DJL {@link
 * ai.djl.training.evaluator.Evaluator} so a DJL training loop can track the NFR.
 */
package dev.pct.core.metrics;
