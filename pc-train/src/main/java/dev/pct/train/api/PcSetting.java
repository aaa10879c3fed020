package dev.pct.train.api;

import ai.djl.training.loss.Loss;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.TwoSourceDistillationLoss;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.reference.Reference;
import java.util.Locale;
import java.util.Objects;

/**
 * One PC model of a run: its loss, what the loss distils toward, and for two-source distillation the second term
 * and the ensemble of plain retrains it pulls toward.
 *
 * @param loss the focal-distillation loss, lambda &gt; 0
 * @param reference the old model or an ensemble of plain retrains
 * @param second the second source, or null for one source
 */
public record PcSetting(FocalDistillationLoss loss, Reference reference, Second second) {
    /** The global gradient norm logit matching is clipped at when the training settings do not clip. */
    static final double LOGIT_MATCHING_CLIP_NORM = 5.0;

    /** Checks that the loss and the reference are given. */
    public PcSetting {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(reference, "reference");
    }

    /**
     * A setting of one source.
     *
     * @param loss the focal-distillation loss, lambda &gt; 0
     * @param reference the old model or an ensemble of plain retrains
     */
    public PcSetting(FocalDistillationLoss loss, Reference reference) {
        this(loss, reference, null);
    }

    /**
     * The loss the stage trains with: the focal-distillation loss, or with a second source the two-source loss of
     * both terms.
     *
     * @return the loss
     */
    public Loss stageLoss() {
        return second == null ? loss : TwoSourceDistillationLoss.of(loss, second.loss());
    }

    /**
     * How a PC setting trains: as configured, except that the logit distances (logit matching, LDI) without
     * gradient clipping get clipping at global norm {@value #LOGIT_MATCHING_CLIP_NORM}. A regression on
     * unnormalized logits is badly conditioned (its curvature grows with the squared norm of the features), and
     * on Fashion-MNIST logit matching diverged to NaN in its first epoch without clipping (README); a configured
     * norm is kept.
     *
     * @param training the job's training settings
     * @param settingLoss the setting's loss
     * @return {@code training}, or a copy that clips
     */
    static TrainingSettings trainingFor(TrainingSettings training, FocalDistillationLoss settingLoss) {
        if (settingLoss.getDistance() != Distance.KL && settingLoss.getLambda() > 0
                && !(training.gradClipNorm() > 0)) {
            return training.withGradClipNorm(LOGIT_MATCHING_CLIP_NORM);
        }
        return training;
    }

    /**
     * Describes the setting for the run's provenance and the report: the loss's distance and values, what it distils
     * toward, and the second term.
     *
     * @return e.g. "focal distillation kl, alpha 0.0, beta 1.0, tau 1.0, lambda 1.0, filter old_correct, sum over
     *     classes"
     */
    public String describe() {
        return describe(loss) + (reference.isEnsemble() ? ", toward the " + reference.describe() : "")
                + (second == null ? "" : "; plus a second term " + describe(second.loss()) + ", toward the "
                        + second.toward().describe());
    }

    private static String describe(FocalDistillationLoss loss) {
        String text = String.format("focal distillation %s, alpha %s, beta %s, %slambda %s, filter %s, %s over"
                + " classes", loss.getDistance(), loss.getAlpha(), loss.getBeta(),
                loss.getDistance() == Distance.KL ? "tau " + loss.getTau() + ", " : "", loss.getLambda(),
                loss.getFilter(), loss.getClassReduction());
        if (loss.getDistance() == Distance.LDI) {
            text += String.format(", margin %s, power %s, top_k %s%s", loss.getMargin(), loss.getPower(),
                    loss.getTopK(), loss.isExcludeTrueClass() ? ", true class excluded" : "");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /**
     * The second source of two-source distillation ({@link TwoSourceDistillationLoss}): the loss whose distillation
     * term pulls toward an ensemble of plain retrains (its cross-entropy is not counted), weighted by the old model's
     * decisions.
     *
     * @param loss the second term's settings
     * @param toward the ensemble (1 member: the seed's plain retrain alone), its weights from the old model
     */
    public record Second(FocalDistillationLoss loss, Reference toward) {
        /** Checks that the second source is an ensemble read with the old model's decisions. */
        public Second {
            Objects.requireNonNull(loss, "loss");
            if (!toward.isEnsemble() || !toward.weightsFromOld()) {
                throw new IllegalArgumentException("a second source is an ensemble of plain retrains (1 member: the"
                        + " plain retrain) weighted by the old model's decisions, got " + toward.describe());
            }
        }

        /**
         * Returns the second source toward the ensemble of {@code members} plain retrains.
         *
         * @param loss the second term's settings
         * @param members how many plain retrains the ensemble averages, &gt;= 1
         * @return the second source
         */
        public static Second toward(FocalDistillationLoss loss, int members) {
            return new Second(loss, Reference.ensemble(members, true));
        }
    }
}
