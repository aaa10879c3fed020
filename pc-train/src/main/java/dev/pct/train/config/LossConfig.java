package dev.pct.train.config;

import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.OptionProblem;
import dev.pct.core.loss.SampleFilter;
import dev.pct.train.reference.ReferenceSource;
import dev.pct.train.reference.WeightsFrom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
 * @param ensembleMembers how many models the ensemble of {@code reference: ensemble} and of the second source
 *     averages; an integer &gt;= 1, default 4, where 1 is the seed's plain retrain alone; YAML {@code
 *     ensemble_members}
 * @param weightsFrom whose correctness {@code filter} reads when the reference is the ensemble: {@code old}
 *     (default; the weights still favour the samples the old model got right) or {@code reference} (the
 *     ensemble's); YAML {@code weights_from}
 * @param secondTreatment two-source distillation: the distance of a second term toward the ensemble of {@code
 *     ensemble_members} plain retrains (1: the plain retrain alone), added to the first: {@code none} (default, no
 *     second term), {@code fd-kl}, {@code fd-lm}, {@code fd-ldi} or {@code kd}, with the first term's class
 *     reduction and LDI settings; YAML {@code second_treatment}. Its weights read the old model's decisions, so with
 *     the default filter {@code old_incorrect}, alpha 0 and beta 1 the new model is pulled toward the old model
 *     where the old model is right and toward the second reference everywhere else (MPT, Ricci et al., AAAI 2026,
 *     <a href="https://arxiv.org/abs/2511.08322">arXiv:2511.08322</a>)
 * @param secondAlpha the second term's weight of every sample; a number &gt;= 0, default 0; YAML {@code
 *     second_alpha}
 * @param secondBeta the second term's extra weight of the samples {@code second_filter} selects; a number &gt;= 0,
 *     default 1; YAML {@code second_beta}
 * @param secondTau the second term's KL temperature; a number &gt; 0, default 1; YAML {@code second_tau}
 * @param secondLambda the second term's weight against cross-entropy; a number &gt;= 0, default 1; YAML {@code
 *     second_lambda}
 * @param secondFilter which samples get the second term's beta: {@code old_incorrect} (default), {@code
 *     old_correct}, {@code all}, {@code new_incorrect} or {@code negative_flip}; YAML {@code second_filter}
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
        WeightsFrom weightsFrom,
        Treatment secondTreatment,
        double secondAlpha,
        double secondBeta,
        double secondTau,
        double secondLambda,
        SampleFilter secondFilter) {

    /**
     * Returns the defaults: pc-core's loss builder's (the paper's focal distillation with KL, alpha 1, beta 5,
     * tau 100, lambda 1; for fd-ldi margin 0, power 2, every class, true class included), read from it so that
     * they are declared once; the old model as the reference, an ensemble of 4 when one is asked for; no second
     * source, and when one is asked for, the samples the old model got wrong (alpha 0, beta 1, filter {@code
     * old_incorrect}) at tau 1 and lambda 1.
     *
     * @return the default loss
     */
    public static LossConfig defaults() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().build();
        return new LossConfig(Treatment.FD_KL, loss.getAlpha(), loss.getBeta(), loss.getTau(), loss.getLambda(),
                loss.getFilter(), loss.getClassReduction(), loss.getMargin(), loss.getPower(), loss.getTopK(),
                loss.isExcludeTrueClass(), ReferenceSource.OLD, 4, WeightsFrom.OLD, Treatment.NONE, 0, 1, 1, 1,
                SampleFilter.OLD_INCORRECT);
    }

    /**
     * Returns a copy with another treatment and every other value kept (e.g. for the baseline run).
     *
     * @param newTreatment the treatment
     * @return the copy
     */
    public LossConfig withTreatment(Treatment newTreatment) {
        return new LossConfig(newTreatment, alpha, beta, tau, lambda, filter, classReduction, margin, power, topK,
                excludeTrueClass, reference, ensembleMembers, weightsFrom, secondTreatment, secondAlpha, secondBeta,
                secondTau, secondLambda, secondFilter);
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
        return builder(kd ? 1 : alpha, kd ? 0 : beta, tau, treatment == Treatment.NONE ? 0 : lambda)
                .optDistance(treatment.distance())
                .optFilter(kd ? SampleFilter.ALL : filter)
                .optClassReduction(classReduction)
                .optExcludeTrueClass(excludeTrueClass)
                .build();
    }

    /**
     * Returns the values as written that fail the loss's own checks ({@link FocalDistillationLoss.Builder#problems()},
     * where they are written once), whatever the treatment uses, each named by its key in the loss section: {@code
     * alpha}, {@code top_k}, {@code second_tau}, ... The second term's class reduction and LDI settings are the
     * first's, so they are reported once.
     *
     * @return the problems, empty when every value is valid
     */
    public List<OptionProblem> problems() {
        List<OptionProblem> out = new ArrayList<>();
        for (OptionProblem p : builder(alpha, beta, tau, lambda).problems()) {
            out.add(new OptionProblem(JobConfigSchema.key(p.option()), p.value(), p.expected()));
        }
        for (OptionProblem p : builder(secondAlpha, secondBeta, secondTau, secondLambda).problems()) {
            if (SECOND_TERM_OPTIONS.contains(p.option())) {
                out.add(new OptionProblem("second_" + JobConfigSchema.key(p.option()), p.value(), p.expected()));
            }
        }
        return out;
    }

    /** The options the second term has of its own; it shares the others with the first. */
    private static final Set<String> SECOND_TERM_OPTIONS = Set.of("alpha", "beta", "tau", "lambda");

    /** The loss builder with the given weights and temperature, and the LDI settings as written. */
    private FocalDistillationLoss.Builder builder(double a, double b, double t, double l) {
        return FocalDistillationLoss.builder()
                .optAlpha((float) a)
                .optBeta((float) b)
                .optTau((float) t)
                .optLambda((float) l)
                .optMargin((float) margin)
                .optPower((float) power)
                .optTopK(topK);
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
     * Returns whether this loss distils toward an ensemble of plain retrains (which the job then trains), as its
     * reference or as its second source.
     *
     * @return true for {@code reference: ensemble} or a second source, with a distilling treatment
     */
    public boolean usesEnsemble() {
        return (reference == ReferenceSource.ENSEMBLE && distills()) || twoSources();
    }

    /**
     * Returns whether a second term distils toward the ensemble of plain retrains (two-source distillation).
     *
     * @return true when the first term distils and {@code second_treatment} is not {@code none}, with {@code
     *     second_lambda} &gt; 0
     */
    public boolean twoSources() {
        return distills() && secondTreatment != Treatment.NONE && secondLambda > 0;
    }

    /**
     * Returns the loss of the second term, whose distillation term pulls toward the ensemble: the {@code second_*}
     * values with the first term's class reduction and LDI settings, bound as {@link #toLoss()} binds the first.
     *
     * @return the loss, or null without a second source
     */
    public FocalDistillationLoss toSecondLoss() {
        if (!twoSources()) {
            return null;
        }
        return new LossConfig(secondTreatment, secondAlpha, secondBeta, secondTau, secondLambda, secondFilter,
                classReduction, margin, power, topK, excludeTrueClass, ReferenceSource.ENSEMBLE, ensembleMembers,
                WeightsFrom.OLD, Treatment.NONE, 0, 0, 1, 0, SampleFilter.OLD_INCORRECT).toLoss();
    }
}
