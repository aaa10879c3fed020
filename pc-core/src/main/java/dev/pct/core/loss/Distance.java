package dev.pct.core.loss;

/**
 * The distance between the new model's logits and the old model's logits that focal distillation
 * penalizes, as in Yan et al., "Positive-Congruent Training: Towards Regression-Free Model Updates",
 * CVPR 2021 (<a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>).
 */
public enum Distance {
    /**
     * Kullback-Leibler divergence at temperature tau, scaled by tau squared so that its gradient
     * keeps its size as tau grows: {@code D = tau^2 * sum_c q_c (log q_c - log p_c)} with {@code q =
     * softmax(o / tau)} and {@code p = softmax(z / tau)}.
     */
    KL,

    /** Logit matching, half the squared Euclidean distance: {@code D = 1/2 * sum_c (z_c - o_c)^2}. */
    LOGIT_MATCHING,

    /**
     * Logit difference inhibition (LDI) of ELODI, Zhao et al., "ELODI: Ensemble Logit Difference
     * Inhibition for Positive-Congruent Training", TPAMI 2024 (<a
     * href="https://arxiv.org/abs/2205.06265">arXiv:2205.06265</a>): a hinge on each logit difference,
     * {@code D = sum_{c in S} max(|z_c - r_c| - margin, 0)^p} over a set of classes {@code S} chosen from
     * the reference logits {@code r} (all classes, the top k of the sample, optionally without the true
     * class), divided by {@code |S|} with {@link ClassReduction#MEAN} (ELODI's definition). See {@link
     * FocalDistillationLoss.Builder#optMargin}, {@link FocalDistillationLoss.Builder#optPower}, {@link
     * FocalDistillationLoss.Builder#optTopK} and {@link FocalDistillationLoss.Builder#optExcludeTrueClass}.
     */
    LDI
}
