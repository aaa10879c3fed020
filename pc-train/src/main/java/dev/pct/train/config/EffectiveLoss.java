package dev.pct.train.config;

/**
 * The loss parameters a treatment actually uses, derived by {@link LossConfig#effective()}.
 *
 * @param treatment the treatment
 * @param alpha weight of every sample in the distillation term
 * @param beta extra weight of samples selected by {@code filter}
 * @param tau KL temperature (unused by logit matching)
 * @param lambda weight of the distillation term; 0 means plain cross-entropy
 * @param filter which samples get the extra weight
 * @param classReduction reduction of the distance over classes
 */
public record EffectiveLoss(
        Treatment treatment,
        double alpha,
        double beta,
        double tau,
        double lambda,
        LossFilter filter,
        ClassReduction classReduction) {

    /**
     * Returns whether the loss has a distillation term, i.e. whether the old model's outputs are needed.
     *
     * @return true unless the treatment is none or lambda is 0
     */
    public boolean distills() {
        return treatment != Treatment.NONE && lambda > 0;
    }

    /**
     * Returns whether the distance is logit matching (otherwise it is KL at temperature tau).
     *
     * @return true for fd-lm
     */
    public boolean logitMatching() {
        return treatment == Treatment.FD_LM;
    }

    /**
     * Returns the weight {@code alpha + beta * 1[selected]} of one sample.
     *
     * @param selected whether {@code filter} holds for the sample
     * @return the sample's weight in the distillation term
     */
    public double sampleWeight(boolean selected) {
        return selected ? alpha + beta : alpha;
    }
}
