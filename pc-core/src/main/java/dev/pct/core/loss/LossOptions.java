package dev.pct.core.loss;

/**
 * The options of one {@link FocalDistillationLoss}, as its builder validated them: declared once, read by the
 * loss, its teacher terms and its kernels.
 *
 * @param alpha the base weight of every sample
 * @param beta the extra weight of the samples the filter selects
 * @param tau the temperature of the KL distance
 * @param lambda the weight of the distillation term
 * @param distance the distance between new and old logits
 * @param filter the samples weighted up by beta
 * @param classReduction how the distance reduces over classes
 * @param margin LDI's margin
 * @param power LDI's power
 * @param topK LDI's top k, 0 for every class
 * @param excludeTrueClass whether LDI leaves out the true class
 * @param fusedSoftTarget whether KL at tau 1 with weights known from the old model alone takes the soft-target
 *     layout, which folds the cross-entropy in; false for a term added to another loss's cross-entropy (the second
 *     source of {@link TwoSourceDistillationLoss})
 */
record LossOptions(
        float alpha,
        float beta,
        float tau,
        float lambda,
        Distance distance,
        SampleFilter filter,
        ClassReduction classReduction,
        float margin,
        float power,
        int topK,
        boolean excludeTrueClass,
        boolean fusedSoftTarget) {

    /**
     * Whether the loss is one cross-entropy against a soft target: KL at tau 1 with weights known from the
     * old model alone (filter {@link SampleFilter#OLD_CORRECT} or {@link SampleFilter#ALL}); lambda 0 is plain
     * cross-entropy, cheaper on the general path.
     *
     * @return whether {@link FocalDistillationLoss#teacherLabels} gives the soft-target layout
     */
    boolean softTarget() {
        return fusedSoftTarget
                && distance == Distance.KL
                && tau == 1f
                && lambda > 0f
                && (filter == SampleFilter.OLD_CORRECT || filter == SampleFilter.ALL);
    }

    /**
     * Returns the settings that LDI's precomputed labels depend on, for their name and for messages.
     *
     * @return margin, power, top k, true-class exclusion and class reduction as text
     */
    String ldiSettings() {
        return "margin="
                + margin
                + ", power="
                + power
                + ", topK="
                + topK
                + ", excludeTrueClass="
                + excludeTrueClass
                + ", classReduction="
                + classReduction;
    }

    /**
     * Returns the options that decide which labels a loss accepts, for messages.
     *
     * @return distance, tau, lambda, filter (and LDI's settings) as text
     */
    String describe() {
        return "distance="
                + distance
                + ", tau="
                + tau
                + ", lambda="
                + lambda
                + ", filter="
                + filter
                + (distance == Distance.LDI ? ", " + ldiSettings() : "");
    }
}
