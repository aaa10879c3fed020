package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.pct.core.loss.Distance;

/** How the new model is trained against the old one (the paper's treatments plus plain distillation). */
public enum Treatment implements ConfigEnum {
    /** Plain cross-entropy; the old model is ignored during training (the baseline). */
    NONE("none"),

    /** Focal distillation with KL divergence at temperature tau. */
    FD_KL("fd-kl"),

    /** Focal distillation with logit matching (1/2 squared L2 distance of logits). */
    FD_LM("fd-lm"),

    /**
     * Focal distillation with ELODI's logit difference inhibition: a hinge {@code max(|z - o| - margin, 0)^p}
     * on the logit differences, over all classes or each sample's top k of the old logits.
     */
    FD_LDI("fd-ldi"),

    /** Plain knowledge distillation: KL at temperature tau, every sample weighted 1. */
    KD("kd");

    private final String spelling;

    Treatment(String spelling) {
        this.spelling = spelling;
    }

    @JsonValue
    @Override
    public String spelling() {
        return spelling;
    }

    /**
     * Returns the constant written {@code text} in YAML.
     *
     * @param text the YAML spelling
     * @return the constant
     * @throws IllegalArgumentException if {@code text} is not a valid spelling
     */
    @JsonCreator
    public static Treatment fromSpelling(String text) {
        return ConfigEnum.fromSpelling(Treatment.class, text);
    }

    /**
     * Returns the distance the treatment distils with.
     *
     * @return {@link Distance#LOGIT_MATCHING} for fd-lm, {@link Distance#LDI} for fd-ldi, {@link Distance#KL}
     *     for the others
     */
    public Distance distance() {
        return switch (this) {
            case FD_LM -> Distance.LOGIT_MATCHING;
            case FD_LDI -> Distance.LDI;
            case NONE, FD_KL, KD -> Distance.KL;
        };
    }

    @Override
    public String toString() {
        return spelling;
    }
}
