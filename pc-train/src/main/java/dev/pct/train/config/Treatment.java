package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pct.core.loss.Distance;
import dev.pct.train.io.Spelling;

/** How the new model is trained against the old one (the paper's treatments plus plain distillation). */
public enum Treatment {
    /** Plain cross-entropy; the old model is ignored during training (the baseline). */
    NONE,

    /** Focal distillation with KL divergence at temperature tau. */
    @JsonProperty("fd-kl")
    FD_KL,

    /** Focal distillation with logit matching (1/2 squared L2 distance of logits). */
    @JsonProperty("fd-lm")
    FD_LM,

    /**
     * Focal distillation with ELODI's logit difference inhibition: a hinge {@code max(|z - o| - margin, 0)^p}
     * on the logit differences, over all classes or each sample's top k of the old logits.
     */
    @JsonProperty("fd-ldi")
    FD_LDI,

    /** Plain knowledge distillation: KL at temperature tau, every sample weighted 1. */
    KD;

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

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
