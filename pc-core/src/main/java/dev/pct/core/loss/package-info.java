/**
 * The focal-distillation loss of positive-congruent training.
 *
 * <p>Yan et al., "Positive-Congruent Training: Towards Regression-Free Model Updates", CVPR 2021
 * (<a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>), train a new model with
 * cross-entropy plus a distillation term towards the old model, weighted up on the samples the old
 * model classified correctly, so that the new model makes fewer negative flips.
 * {@link dev.pct.core.loss.FocalDistillationLoss} is that loss as a DJL {@link
 * ai.djl.training.loss.Loss} with a closed-form gradient.
 */
package dev.pct.core.loss;
