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
 * @param classReduction reduction of the distance over classes (for LDI over the classes it compares)
 * @param margin LDI's margin (unused by the other distances)
 * @param power LDI's power (unused by the other distances)
 * @param topK LDI's number of classes of largest old logit per sample, 0 for every class (unused by the others)
 * @param excludeTrueClass whether LDI leaves the true class out (unused by the other distances)
 */
public record EffectiveLoss(
        Treatment treatment,
        double alpha,
        double beta,
        double tau,
        double lambda,
        SampleFilter filter,
        ClassReduction classReduction,
        double margin,
        double power,
        int topK,
        boolean excludeTrueClass) {

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
     * @return logit matching for fd-lm, LDI for fd-ldi, KL at temperature tau otherwise
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
                .optMargin((float) margin)
                .optPower((float) power)
                .optTopK(topK)
                .optExcludeTrueClass(excludeTrueClass)
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
