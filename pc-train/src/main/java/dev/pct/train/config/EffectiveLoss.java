package dev.pct.train.config;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;

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
        SampleFilter filter,
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
     * Returns the distance between new and old logits.
     *
     * @return logit matching for fd-lm, KL at temperature tau otherwise
     */
    public Distance distance() {
        return treatment.distance();
    }

    /**
     * Returns the loss with these parameters.
     *
     * @return the focal-distillation loss (plain cross-entropy when lambda is 0)
     */
    public FocalDistillationLoss toLoss() {
        return FocalDistillationLoss.builder()
                .optAlpha((float) alpha)
                .optBeta((float) beta)
                .optTau((float) tau)
                .optLambda((float) lambda)
                .optDistance(distance())
                .optFilter(filter)
                .optClassReduction(classReduction)
                .build();
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
