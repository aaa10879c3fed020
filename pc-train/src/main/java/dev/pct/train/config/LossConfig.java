package dev.pct.train.config;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
import dev.pct.train.reference.ReferenceSource;
import dev.pct.train.reference.WeightsFrom;

/**
 * The positive-congruent training loss of the new model, as written in the job file.
 *
 * <p>The new model minimizes {@code CE + lambda * mean_i w_i * D(z_i, o_i)} with {@code w_i = alpha + beta *
 * 1[filter holds for sample i]}, {@code z} the new and {@code o} the old model's logits, and {@code D} either
 * {@code tau^2 * KL(softmax(o/tau) || softmax(z/tau))} or {@code 1/2 ||z - o||^2} (Yan et al., "Positive-Congruent
 * Training: Towards Regression-Free Model Updates", CVPR 2021, <a href="https://arxiv.org/abs/2011.09161">
 * arXiv:2011.09161</a>, focal distillation), or for {@code fd-ldi} ELODI's logit difference inhibition {@code
 * sum_{c in S_i} max(|z_c - o_c| - margin, 0)^power} over a set {@code S_i} of classes (Zhao et al., TPAMI 2024,
 * <a href="https://arxiv.org/abs/2205.06265">arXiv:2205.06265</a>). Use {@link #toLoss()} for the values the
 * treatment actually uses.
 *
 * @param treatment {@code none} (baseline), {@code fd-kl}, {@code fd-lm}, {@code fd-ldi} or {@code kd}; default
 *     fd-kl
 * @param alpha weight every sample gets in the distillation term; a number &gt;= 0, default 1 (paper)
 * @param beta extra weight for samples selected by {@code filter}; a number &gt;= 0, default 5 (paper)
 * @param tau temperature of the KL distance; a number &gt; 0, default 100 (paper, tuned on ImageNet ResNets with
 *     batch norm; it diverged on a Fashion-MNIST CNN without batch norm, where tau 1 trained stably: GUIDE 3c)
 * @param lambda weight of the distillation term against cross-entropy; a number &gt;= 0, default 1 (paper)
 * @param filter which samples get the extra weight beta: {@code old_correct} (paper, default), {@code all},
 *     {@code new_incorrect} or {@code negative_flip}
 * @param classReduction how {@code D} reduces over classes: {@code sum} (default) or {@code mean}; YAML
 *     {@code class_reduction}. For fd-ldi over the classes {@code S_i} it compares: {@code mean} divides by
 *     {@code |S_i|}, which is ELODI's definition, {@code sum} does not
 * @param margin fd-ldi only: logit differences up to it cost nothing; a number &gt;= 0, default 0 (ELODI)
 * @param power fd-ldi only: the power of the hinge; a number &gt;= 1, default 2 (ELODI)
 * @param topK fd-ldi only: compare each sample's k classes of largest old logit (classes tied with the k-th
 *     largest all count); an integer &gt;= 0 and at most the number of classes, default 0 (every class); YAML
 *     {@code top_k}
 * @param excludeTrueClass fd-ldi only: leave each sample's true class out (with top_k, the top k of the other
 *     classes); default false; YAML {@code exclude_true_class}
 * @param reference what the distillation term pulls toward: {@code old} (default), the old model's logits, or
 *     {@code ensemble}, the mean logits of {@code ensemble_members} plain retrains of the new architecture with
 *     different seeds (ELODI's reference), the seed's own plain retrain being the first; they are trained once
 *     per seed and their logits cached like the old model's. The flips are still counted against the old model
 * @param ensembleMembers {@code reference: ensemble} only: how many models the ensemble averages; an integer
 *     &gt;= 2, default 4; YAML {@code ensemble_members}
 * @param weightsFrom whose correctness {@code filter} reads when the reference is the ensemble: {@code old}
 *     (default; the weights still favour the samples the old model got right) or {@code reference} (the
 *     ensemble's); YAML {@code weights_from}
 */
public record LossConfig(
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
        boolean excludeTrueClass,
        ReferenceSource reference,
        int ensembleMembers,
        WeightsFrom weightsFrom) {

    /**
     * Returns the defaults: pc-core's loss builder's (the paper's focal distillation with KL, alpha 1, beta 5,
     * tau 100, lambda 1; for fd-ldi margin 0, power 2, every class, true class included), read from it so that
     * they are declared once; the old model as the reference, an ensemble of 4 when one is asked for.
     *
     * @return the default loss
     */
    public static LossConfig defaults() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().build();
        return new LossConfig(Treatment.FD_KL, loss.getAlpha(), loss.getBeta(), loss.getTau(), loss.getLambda(),
                loss.getFilter(), loss.getClassReduction(), loss.getMargin(), loss.getPower(), loss.getTopK(),
                loss.isExcludeTrueClass(), ReferenceSource.OLD, 4, WeightsFrom.OLD);
    }

    /**
     * Returns a copy with another treatment and every other value kept (e.g. for the baseline run).
     *
     * @param newTreatment the treatment
     * @return the copy
     */
    public LossConfig withTreatment(Treatment newTreatment) {
        return new LossConfig(newTreatment, alpha, beta, tau, lambda, filter, classReduction, margin, power, topK,
                excludeTrueClass, reference, ensembleMembers, weightsFrom);
    }

    /**
     * Returns the loss the treatment trains with: the job file's values bound onto pc-core's own loss, which
     * checks them.
     *
     * <ul>
     *   <li>{@code none}: lambda 0, so the loss is plain cross-entropy; the other values are kept but unused.
     *   <li>{@code kd}: plain distillation, every sample weighted the same: alpha 1, beta 0 and filter
     *       {@code all}; this gives {@code w_i = 1} whatever the written alpha, beta and filter, which are
     *       ignored. tau, lambda and class reduction are used as given.
     *   <li>{@code fd-kl}, {@code fd-lm}, {@code fd-ldi}: every value as given (tau is unused by logit matching
     *       and LDI; margin, power, top_k and exclude_true_class are used by fd-ldi only).
     * </ul>
     *
     * @return the loss
     */
    public FocalDistillationLoss toLoss() {
        boolean kd = treatment == Treatment.KD;
        return FocalDistillationLoss.builder()
                .optAlpha(kd ? 1f : (float) alpha)
                .optBeta(kd ? 0f : (float) beta)
                .optTau((float) tau)
                .optLambda(treatment == Treatment.NONE ? 0f : (float) lambda)
                .optDistance(treatment.distance())
                .optFilter(kd ? SampleFilter.ALL : filter)
                .optClassReduction(classReduction)
                .optMargin((float) margin)
                .optPower((float) power)
                .optTopK(topK)
                .optExcludeTrueClass(excludeTrueClass)
                .build();
    }

    /**
     * Returns whether the treatment adds a distillation term at all.
     *
     * @return false for {@code none} or lambda 0
     */
    public boolean distills() {
        return treatment != Treatment.NONE && lambda > 0;
    }

    /**
     * Returns whether this loss distils toward the ensemble reference (which the job then trains).
     *
     * @return true for {@code reference: ensemble} with a distilling treatment
     */
    public boolean usesEnsemble() {
        return reference == ReferenceSource.ENSEMBLE && distills();
    }
}
