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
    LOGIT_MATCHING
}
