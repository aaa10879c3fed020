package dev.pct.core.loss;

/**
 * Which samples receive the extra weight beta in focal distillation.
 *
 * <p>Each sample i gets the weight {@code w_i = alpha + beta * f_i}, where the indicator {@code
 * f_i} is chosen by the filter. The weights depend on arg-max decisions only, so they are constants
 * for differentiation: no gradient flows through them. Here {@code o_i} are the old model's logits,
 * {@code z_i} the new model's and {@code y_i} the true class.
 */
public enum SampleFilter {
    /** {@code f_i = 1[argmax o_i == y_i]}: samples the old model got right (the paper's default). */
    OLD_CORRECT,

    /**
     * {@code f_i = 1[argmax o_i != y_i]}: samples the old model got wrong, where a second reference takes over
     * in two-source distillation ({@link TwoSourceDistillationLoss}).
     */
    OLD_INCORRECT,

    /** {@code f_i = 1}: every sample, i.e. plain distillation with weight alpha + beta. */
    ALL,

    /** {@code f_i = 1[argmax z_i != y_i]}: samples the new model currently gets wrong. */
    NEW_INCORRECT,

    /**
     * {@code f_i = 1[argmax o_i == y_i and argmax z_i != y_i]}: the current negative flips.
     */
    NEGATIVE_FLIP
}
