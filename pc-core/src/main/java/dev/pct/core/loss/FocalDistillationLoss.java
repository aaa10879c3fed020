package dev.pct.core.loss;

import static dev.pct.core.loss.LabelChecks.asVector;
import static dev.pct.core.loss.LabelChecks.checkLabelRange;
import static dev.pct.core.loss.LabelChecks.checkLabelShape;
import static dev.pct.core.loss.LabelChecks.checkPerSample;
import static dev.pct.core.loss.LabelChecks.checkRank2;
import static dev.pct.core.loss.LabelChecks.checkSameShape;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Focal distillation, the loss of positive-congruent training from Yan et al., "Positive-Congruent
 * Training: Towards Regression-Free Model Updates", CVPR 2021 (<a
 * href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>).
 *
 * <p>With new logits {@code z} (N×C), old logits {@code o}, true classes {@code y} and per-sample
 * weights {@code w_i = alpha + beta * f_i} (see {@link SampleFilter}):
 *
 * <pre>
 *   L = mean_i CE(z_i, y_i) + lambda * mean_i w_i * D(z_i, o_i)
 * </pre>
 *
 * where {@code D} is a {@link Distance}, summed over classes or averaged over them ({@link
 * ClassReduction}). {@code lambda = 0} is plain cross-entropy; {@code alpha = 1, beta = 0} (or
 * {@link SampleFilter#ALL}) is plain distillation.
 *
 * <h2>Logit difference inhibition</h2>
 *
 * <p>{@link Distance#LDI} (ELODI, Zhao et al., TPAMI 2024) treats {@code o} as the reference logits
 * {@code r} and penalizes, per sample,
 *
 * <pre>
 *   D_i = s_i * sum_{c in S_i} max(|z_ic - r_ic| - margin, 0)^p
 * </pre>
 *
 * with {@code margin} ({@link Builder#optMargin}) and {@code p} ({@link Builder#optPower}). The class
 * set {@code S_i} is every class, or with {@link Builder#optTopK top k} {@code > 0} the k classes with
 * the largest reference logits <em>of sample i</em> (a top-k over the class axis of each row), and with
 * {@link Builder#optExcludeTrueClass} the true class {@code y_i} is left out; with both, the top k of
 * the classes other than {@code y_i}, so {@code |S_i| = min(k, C - 1)} (without ties). The class reduction sets
 * {@code s_i}: {@link ClassReduction#MEAN} gives {@code s_i = 1/|S_i|}, ELODI's mean over the selected
 * classes; {@link ClassReduction#SUM} gives {@code s_i = 1}, the sum over them, {@code |S_i|} times
 * the mean (for {@code S_i} = all classes, the same reductions as the other distances). An empty
 * {@code S_i} (one class, excluded) gives {@code D_i = 0}.
 *
 * <p>Ties: every class whose reference logit is at least the k-th largest of its row (among the
 * candidates) is in {@code S_i}, so classes tied with the k-th largest all count and {@code |S_i|}
 * can exceed k; {@code s_i} of {@link ClassReduction#MEAN} uses the actual {@code |S_i|}. The choice
 * does not depend on the order of the classes.
 *
 * <p>The gradient is {@code lambda * w_i * s_i * p * h^(p-1) * sign(z - r) / N} on the selected
 * classes where {@code h = |z - r| - margin > 0}, and zero elsewhere. At the kinks it is a subgradient:
 * 0 at {@code z = r} (autograd's {@code |x|}), and at {@code h = 0} with p = 1 what PyTorch's {@code
 * maximum} passes for a tie (half); for p &gt; 1 the gradient is continuous there.
 *
 * <h2>Inputs</h2>
 *
 * <p>{@code predictions = [z]}. {@code labels} take one of two forms:
 *
 * <ul>
 *   <li>raw, two arrays: {@code [y, oldLogits]}; the old model's terms are derived on every call and
 *       the labels are checked to lie in {@code [0, C)} (a host read);
 *   <li>precomputed, the {@link TeacherLabels} {@link #teacherLabels(NDArray, NDArray)} makes once per
 *       sample, every one with the sample dimension first, so that a trainer can compute them once
 *       for the whole data set and batch them like labels ({@code ArrayDataset.Builder.optLabels},
 *       {@code Batch.split}). On this hot path only shapes are checked (host metadata), not the
 *       label range. Their content depends on the settings:
 *       <ul>
 *         <li>the <em>soft target</em> of KL at tau 1 with filter {@link SampleFilter#OLD_CORRECT} or
 *             {@link SampleFilter#ALL} and lambda &gt; 0, where the weights are known from the old
 *             model alone: {@code [y (N, 1) int64, t (N×C), k (N)]}. The loss of a sample is then a
 *             cross-entropy against a soft target plus a constant: with {@code a_i = lambda * w_i *
 *             s} ({@code s = 1} for {@link ClassReduction#SUM}, {@code 1/C} for {@link
 *             ClassReduction#MEAN}), {@code CE_i + a_i KL(q_i || p_i) = -sum_c t_ic log p_ic + k_i}
 *             with {@code t_i = e_y_i + a_i q_i} and {@code k_i = a_i sum_c q_ic log q_ic}. These
 *             labels bake in alpha, beta, lambda, filter and class reduction;
 *         <li>otherwise, for KL and logit matching, {@code [y (N) int64, target (N×C), oldCorrect
 *             (N)]}, where the target is {@code log q = log softmax(o / tau)} for {@link Distance#KL}
 *             and {@code o} for {@link Distance#LOGIT_MATCHING}, and {@code oldCorrect} is {@code
 *             1[argmax o_i == y_i]}
 *             as float 0/1. These depend on the distance and tau only, so any loss with the same two
 *             (a soft-target one included) accepts them;
 *         <li>for {@link Distance#LDI}, four arrays {@code [y (N) int64, r (N×C), classWeights (N×C),
 *             oldCorrect (N)]}: the reference logits {@code r = o}, the class set as weights {@code
 *             s_i * 1[c in S_i]} (0 off the set; see above) and the old-correct mask. They depend on
 *             margin, power, top k, the true-class exclusion and the class reduction (margin and
 *             power only by their name, so that labels are never mixed across settings).
 *       </ul>
 *       Each layout is its own type ({@link TeacherLabels.SoftTarget}, {@link TeacherLabels.General},
 *       {@link TeacherLabels.Ldi}), which is how the loss tells them apart; arrays that lost the type on a trip
 *       through host memory or a data set's batching get it back from {@link #restoreLabels}.
 * </ul>
 *
 * <p>The model pulled toward need not be the one whose correctness sets the weights: {@link
 * #teacherLabels(NDArray, NDArray, NDArray, boolean)} takes the targets from reference logits (e.g. the
 * mean logits of an ensemble of new-architecture models, as ELODI does) and {@code 1[old correct]} from a
 * mask of the old model's decisions, in the same layouts.
 *
 * <p>The arrays of {@link #teacherLabels} are copies that belong to the old logits' manager, never
 * views of the caller's arrays. The labels carry the settings they depend on ({@link TeacherLabels#settings});
 * {@link #evaluate} rejects labels of a differently configured loss. Arrays given back their type by {@link
 * #restoreLabels} are trusted to be this loss's own: checking their values would cost a host read per batch.
 *
 * <p>{@code y} may be float32 (as DJL data sets give) or an integer type, of shape (N) or (N, 1).
 *
 * <h2>Speed and precision</h2>
 *
 * <p>The old model's terms are computed once ({@link #teacherLabels}). Cross-entropy goes through
 * autograd: log-softmax, whose fused backward gives {@code (p - e_y)/N}. The distillation term:
 * <ul>
 *   <li>KL: through the tempered log-softmax, whose backward gives {@code lambda * w_i * tau * s *
 *       (pT - q)/N} in one fused node; on the soft-target layout (tau 1) CE and KL are one
 *       log-softmax, a product with the target and a mean, with gradient {@code (p_i sum_c t_ic -
 *       t_i) / N};
 *   <li>logit matching and LDI: in closed form. Value and gradient ({@code lambda * w_i * s * (z -
 *       o)/N}, and for LDI {@code lambda * w_i * k_ic * p * h^(p-1) * sign(z - r)/N}) are computed
 *       together on the detached logits, in place where they can be, and joined to the graph by one
 *       inner product {@code <z, g>} minus its detached copy, exactly 0; autograd records that one
 *       node instead of one per elementwise op.
 * </ul>
 * The weights come from arg-max decisions, so no gradient flows through them; gradient flows to
 * {@code predictions[0]} only.
 *
 * <p>Every constant of the hot path is an array the engine owns, made once per device and type and
 * kept for the loss's life ({@code EngineConstants}): DJL's {@code mul(Number)} and friends wrap a Java
 * buffer that the garbage collector may free before {@code backward} reads it, and a fresh {@code full}
 * per constant would cost a native call (on a GPU a kernel) per step.
 *
 * <p>At tau &gt; 1 the KL written as {@code sum_c q log q - sum_c q log pT} subtracts two numbers
 * close to {@code -log C} whose difference shrinks as {@code 1/tau^2}, which costs float32 about
 * {@code 1e-3} of the value at tau 100. There the value (not the gradient) is computed from the
 * log-ratios {@code r = log pT - log q}: since {@code sum_c q_c e^r_c = sum_c pT_c = 1}, {@code KL =
 * sum_c q_c (expm1(r_c) - r_c)}, a sum of terms that are each at least 0, so nothing cancels across
 * classes; {@code q expm1(r) = tanh(r/2) (q + pT)} is exact for small r and finite for any r (tanh is
 * bounded and {@code q + pT <= 2}). That costs five elementwise passes more than the direct form, one
 * of them a tanh: DJL's PyTorch engine has no {@code expm1}, {@code log1p} or {@code atanh} ({@code
 * atanh} throws), its {@code elu} is {@code exp(x) - 1} (not exact near 0), and {@code sinh} would need
 * clamps to stay finite where this form is.
 *
 * <p>{@link #updateAccumulators} reuses the value of a recent {@link #evaluate} on the same
 * prediction array (by identity) instead of computing the loss a second time per step.
 */
public final class FocalDistillationLoss extends RememberingLoss {

    private final LossOptions options;
    /** The old model's terms: the label layouts, their names and checks. */
    private final TeacherTerms teacher;
    /** The loss on each layout: cross-entropy and the distances, value and gradient. */
    private final DistillationKernels kernels;

    private FocalDistillationLoss(Builder builder) {
        super(builder.name);
        this.options = new LossOptions(builder.alpha, builder.beta, builder.tau, builder.lambda, builder.distance,
                builder.filter, builder.classReduction, builder.margin, builder.power, builder.topK,
                builder.excludeTrueClass, builder.fusedSoftTarget);
        this.teacher = new TeacherTerms(options);
        this.kernels = new DistillationKernels(options);
    }

    /**
     * Returns a builder with the paper's defaults: alpha 1, beta 5, tau 100, lambda 1, KL, old-correct
     * filter, sum over classes; for LDI margin 0, power 2, every class, true class included.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the base weight every sample gets.
     *
     * @return alpha
     */
    public float getAlpha() {
        return options.alpha();
    }

    /**
     * Returns the extra weight of the samples the filter selects.
     *
     * @return beta
     */
    public float getBeta() {
        return options.beta();
    }

    /**
     * Returns the temperature of the KL distance.
     *
     * @return tau
     */
    public float getTau() {
        return options.tau();
    }

    /**
     * Returns the weight of the distillation term relative to cross-entropy.
     *
     * @return lambda
     */
    public float getLambda() {
        return options.lambda();
    }

    /**
     * Returns the distance between new and old logits.
     *
     * @return the distance
     */
    public Distance getDistance() {
        return options.distance();
    }

    /**
     * Returns the filter that picks the samples weighted up by beta.
     *
     * @return the sample filter
     */
    public SampleFilter getFilter() {
        return options.filter();
    }

    /**
     * Returns how the distance reduces over classes.
     *
     * @return the class reduction
     */
    public ClassReduction getClassReduction() {
        return options.classReduction();
    }

    /**
     * Returns the margin of {@link Distance#LDI}: logit differences up to it cost nothing.
     *
     * @return the margin
     */
    public float getMargin() {
        return options.margin();
    }

    /**
     * Returns the power {@code p} of {@link Distance#LDI}'s hinge.
     *
     * @return the power
     */
    public float getPower() {
        return options.power();
    }

    /**
     * Returns how many classes of largest reference logit per sample {@link Distance#LDI} compares.
     *
     * @return k, or 0 for every class
     */
    public int getTopK() {
        return options.topK();
    }

    /**
     * Returns whether {@link Distance#LDI} leaves out the true class of each sample.
     *
     * @return whether the true class is excluded
     */
    public boolean isExcludeTrueClass() {
        return options.excludeTrueClass();
    }

    /**
     * Computes the old model's terms once, in the precomputed label layout this loss accepts.
     *
     * <p>For KL at tau 1 with filter {@link SampleFilter#OLD_CORRECT} or {@link SampleFilter#ALL}
     * (and lambda &gt; 0) this returns the soft-target layout {@code [y (N, 1) int64, combinedTarget
     * (N×C), selfConstant (N)]}; for {@link Distance#LDI} {@code [y (N) int64, reference (N×C),
     * classWeights (N×C), oldCorrect (N)]}; otherwise {@code [y (N) int64, target (N×C), oldCorrect
     * (N)]} (see the class documentation), each its own {@link TeacherLabels} type carrying the settings it
     * depends on, so that {@link #evaluate} of a differently configured loss rejects it. The arrays are new (none is
     * a view of {@code y} or {@code oldLogits}, so the caller may close those) and belong to {@code
     * oldLogits}' manager. This checks the labels' range, a host read.
     *
     * @param y the true classes, shape (N) or (N, 1), float or integer
     * @param oldLogits the old model's logits, shape (N, C)
     * @return the precomputed labels
     * @throws IllegalArgumentException if the shapes do not match, a label is outside [0, C), or
     *     top k exceeds C
     */
    public TeacherLabels teacherLabels(NDArray y, NDArray oldLogits) {
        return teacherLabels(y, oldLogits, true);
    }

    /**
     * As {@link #teacherLabels(NDArray, NDArray)}, optionally without checking the labels' range: a
     * training loop that computes the terms per batch from labels it validated once (a data set's) saves
     * a host read, which on a GPU is a synchronization, per batch.
     *
     * @param y the true classes, shape (N) or (N, 1), float or integer
     * @param oldLogits the old model's logits, shape (N, C)
     * @param checkRange whether to check that every label is a class in [0, C); without the check a
     *     label outside it gives undefined terms (a native index error, or garbage)
     * @return the precomputed labels
     * @throws IllegalArgumentException if the shapes do not match, top k exceeds C, or when checking, a
     *     label is outside [0, C)
     */
    public TeacherLabels teacherLabels(NDArray y, NDArray oldLogits, boolean checkRange) {
        return teacherLabels(y, oldLogits, null, checkRange);
    }

    /**
     * As {@link #teacherLabels(NDArray, NDArray, boolean)}, with the distance taken to a reference other
     * than the model whose correctness sets the weights: the targets come from {@code referenceLogits}
     * (e.g. the mean logits of an ensemble, as in ELODI), while the filter's {@code 1[old correct]} is the
     * given mask (e.g. the old model's decisions), so that the weights still favour the samples the old
     * model got right. With a null mask the reference's own arg-max decides, as in the other forms.
     *
     * @param y the true classes, shape (N) or (N, 1), float or integer
     * @param referenceLogits the logits the new model is pulled toward, shape (N, C)
     * @param oldCorrect 1 where the old model classifies the sample correctly, else 0, shape (N) or (N, 1),
     *     any numeric or boolean type; or null to derive it from {@code referenceLogits}
     * @param checkRange whether to check that every label is a class in [0, C) (a host read)
     * @return the precomputed labels, in the layout of {@link #teacherLabels(NDArray, NDArray)}
     * @throws IllegalArgumentException if the shapes do not match, top k exceeds C, or when checking, a
     *     label is outside [0, C)
     */
    public TeacherLabels teacherLabels(NDArray y, NDArray referenceLogits, NDArray oldCorrect, boolean checkRange) {
        return teacher.make(y, referenceLogits, oldCorrect, checkRange);
    }

    /**
     * Gives the arrays of this loss's own {@link #teacherLabels}, after a trip that kept the arrays but not their
     * type, their layout back: a cache in host memory, a data set's batching ({@code ArrayDataset}, {@code
     * Batch.split}). {@link #evaluate} tells the layouts apart by type only, so such arrays, as a plain {@link
     * NDList}, would be read as raw labels (two arrays) or refused. Only their count is checked here, their shapes
     * when they are evaluated; their values are trusted to be this loss's (checking them would cost a host read
     * per batch).
     *
     * @param arrays the layout's arrays, in order; labels that already have their type are returned as they are
     * @return the typed labels, holding the same arrays
     * @throws IllegalArgumentException when the count is not this loss's layout's
     */
    public TeacherLabels restoreLabels(NDList arrays) {
        return teacher.restore(arrays);
    }

    /**
     * This loss with the general layout in place of the soft target (which folds the cross-entropy in), for a term
     * added to another loss's cross-entropy: the second source of {@link TwoSourceDistillationLoss}.
     */
    FocalDistillationLoss withoutSoftTarget() {
        if (!options.fusedSoftTarget()) {
            return this;
        }
        Builder b = builder().optAlpha(options.alpha()).optBeta(options.beta()).optTau(options.tau())
                .optLambda(options.lambda()).optDistance(options.distance()).optFilter(options.filter())
                .optClassReduction(options.classReduction()).optMargin(options.margin()).optPower(options.power())
                .optTopK(options.topK()).optExcludeTrueClass(options.excludeTrueClass()).optName(getName());
        b.fusedSoftTarget = false;
        return b.build();
    }

    /**
     * The distillation term alone, {@code lambda * mean_i w_i D(z_i, o_i)} with its gradient and without the
     * cross-entropy, on this loss's general or LDI labels: the second source's term of {@link
     * TwoSourceDistillationLoss}. The labels and shapes are checked as {@link #evaluate} checks them.
     *
     * @param labels this loss's {@link TeacherLabels}, not the soft-target layout
     * @param z the new logits (N×C)
     * @return the term, a scalar owned by the manager of {@code z}
     */
    NDArray distillationTerm(TeacherLabels labels, NDArray z) {
        Shape zShape = z.getShape();
        checkRank2("predictions[0] (new logits)", zShape);
        int n = Math.toIntExact(zShape.get(0));
        int c = Math.toIntExact(zShape.get(1));
        if (labels instanceof TeacherLabels.SoftTarget) {
            throw new IllegalArgumentException("labels: a distillation term alone needs the general or LDI layout,"
                    + " not the soft target (which folds the cross-entropy in)");
        }
        checkLabelShape(labels.y(), n, "predictions[0]", zShape);
        teacher.checkTopK("predictions[0] (new logits)", zShape);
        teacher.check(labels);
        TeacherTerms.Terms terms = checkedTerms(labels, n, zShape);
        NDArray term;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray y = labels.y();
            NDArray yCol = (y.getDataType() == DataType.INT64 ? y : y.toType(DataType.INT64, false)).reshape(n, 1);
            term = options.lambda() == 0f ? z.stopGradient().sum().zerosLike()
                    : kernels.distillation(z, null, yCol, terms, n, c);
            NDScope.unregister(term);
        }
        if (term.getManager() != z.getManager()) {
            term.attach(z.getManager());
        }
        NDScope.register(term);
        return term;
    }

    /** The terms of general or LDI labels, their shapes checked against the new logits'. */
    private static TeacherTerms.Terms checkedTerms(TeacherLabels labels, int n, Shape zShape) {
        if (labels instanceof TeacherLabels.Ldi ldi) {
            checkSameShape("labels[1] (reference logits)", ldi.reference().getShape(), zShape);
            checkSameShape("labels[2] (class weights)", ldi.classWeights().getShape(), zShape);
            checkPerSample("labels[3] (old-correct mask)", ldi.oldCorrect().getShape(), n, zShape);
            return new TeacherTerms.Terms(ldi.reference(), asVector(ldi.oldCorrect(), n), ldi.classWeights());
        }
        TeacherLabels.General general = (TeacherLabels.General) labels;
        checkSameShape("labels[1] (teacher target)", general.target().getShape(), zShape);
        checkPerSample("labels[2] (old-correct mask)", general.oldCorrect().getShape(), n, zShape);
        return new TeacherTerms.Terms(general.target(), asVector(general.oldCorrect(), n), null);
    }

    /**
     * Computes the focal-distillation loss ({@link #evaluate}, {@link #evaluateParts}); see the class documentation
     * for the label layouts: {@code [y, oldLogits]} or the arrays of {@link #teacherLabels}. It throws {@link
     * IllegalArgumentException} if the shapes are inconsistent, the labels were made by {@link #teacherLabels} of a
     * loss with other settings, or on the raw path a label is outside [0, C).
     */
    @Override
    LossParts compute(NDList labels, NDList predictions, boolean withParts) {
        if (predictions == null || predictions.isEmpty()) {
            throw new IllegalArgumentException("predictions: expected [newLogits (N, C)], got none");
        }
        NDArray z = predictions.get(0);
        Shape zShape = z.getShape();
        checkRank2("predictions[0] (new logits)", zShape);
        int n = Math.toIntExact(zShape.get(0));
        int c = Math.toIntExact(zShape.get(1));
        TeacherLabels typed = labels instanceof TeacherLabels t ? t : null;
        TeacherTerms.Terms checked = null;
        if (typed == null && (labels == null || labels.size() != 2)) {
            throw new IllegalArgumentException(teacher.labelCountMessage(labels));
        }
        NDArray y = labels.get(0);
        checkLabelShape(y, n, "predictions[0]", zShape);
        teacher.checkTopK("predictions[0] (new logits)", zShape);
        if (typed == null) {
            checkSameShape("labels[1] (old logits)", labels.get(1).getShape(), zShape);
            checkLabelRange(y, c);
        } else {
            teacher.check(typed);
            if (typed instanceof TeacherLabels.SoftTarget soft) {
                checkSameShape("labels[1] (combined target)", soft.target().getShape(), zShape);
                checkPerSample("labels[2] (self constant)", soft.selfConstant().getShape(), n, zShape);
            } else {
                checked = checkedTerms(typed, n, zShape);
            }
        }
        LossParts parts;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray yCol = y.getDataType() == DataType.INT64 ? y : y.toType(DataType.INT64, false);
            if (yCol.getShape().dimension() == 1) {
                yCol = yCol.reshape(n, 1);
            }
            if (typed instanceof TeacherLabels.SoftTarget soft) {
                parts = kernels.softTarget(z, yCol, soft.target(), asVector(soft.selfConstant(), n), n, withParts);
            } else {
                TeacherTerms.Terms terms = checked != null ? checked : teacher.terms(yCol, labels.get(1), n, false);
                parts = kernels.general(z, yCol, terms, n, c, withParts);
            }
            NDScope.unregister(parts.loss());
            if (withParts) {
                NDScope.unregister(parts.crossEntropy(), parts.distillation());
            }
        }
        return finish(z, parts, predictions, labels, withParts);
    }

    /** Hands the arrays of one evaluation to the predictions' manager and remembers its value. */
    private LossParts finish(NDArray z, LossParts parts, NDList predictions, NDList labels, boolean withParts) {
        // Ops land in their first input's manager, which may be the labels'; the caller expects the
        // loss where the predictions live. An enclosing scope of the caller tracks them as it would
        // any other op's result.
        NDManager owner = z.getManager();
        NDArray[] arrays = withParts
                ? new NDArray[] {parts.loss(), parts.crossEntropy(), parts.distillation()}
                : new NDArray[] {parts.loss()};
        for (NDArray array : arrays) {
            if (array.getManager() != owner) {
                array.attach(owner);
            }
            NDScope.register(array);
        }
        remember(predictions, labels, parts.loss());
        return parts;
    }

    // ---- validation: host metadata only ----

    /** Builds a {@link FocalDistillationLoss}; every option has the paper's default. */
    public static final class Builder {

        private float alpha = 1f;
        private float beta = 5f;
        private float tau = 100f;
        private float lambda = 1f;
        private Distance distance = Distance.KL;
        private SampleFilter filter = SampleFilter.OLD_CORRECT;
        private ClassReduction classReduction = ClassReduction.SUM;
        private float margin = 0f;
        private float power = 2f;
        private int topK = 0;
        private boolean excludeTrueClass = false;
        private String name = "FocalDistillationLoss";
        private boolean fusedSoftTarget = true;

        private Builder() {}

        /**
         * Sets the base weight of every sample in the distillation term.
         *
         * @param alpha a finite value &ge; 0, default 1
         * @return this builder
         */
        public Builder optAlpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * Sets the extra weight of the samples the filter selects.
         *
         * @param beta a finite value &ge; 0, default 5
         * @return this builder
         */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /**
         * Sets the temperature of the KL distance (unused by logit matching).
         *
         * @param tau a finite value &gt; 0, default 100
         * @return this builder
         */
        public Builder optTau(float tau) {
            this.tau = tau;
            return this;
        }

        /**
         * Sets the weight of the distillation term; 0 gives plain cross-entropy.
         *
         * @param lambda a finite value &ge; 0, default 1
         * @return this builder
         */
        public Builder optLambda(float lambda) {
            this.lambda = lambda;
            return this;
        }

        /**
         * Sets the distance between new and old logits.
         *
         * @param distance the distance, default {@link Distance#KL}
         * @return this builder
         */
        public Builder optDistance(Distance distance) {
            this.distance = Objects.requireNonNull(distance, "distance");
            return this;
        }

        /**
         * Sets which samples receive the extra weight beta.
         *
         * @param filter the filter, default {@link SampleFilter#OLD_CORRECT}
         * @return this builder
         */
        public Builder optFilter(SampleFilter filter) {
            this.filter = Objects.requireNonNull(filter, "filter");
            return this;
        }

        /**
         * Sets how the distance reduces over classes.
         *
         * @param classReduction the reduction, default {@link ClassReduction#SUM} (the paper)
         * @return this builder
         */
        public Builder optClassReduction(ClassReduction classReduction) {
            this.classReduction = Objects.requireNonNull(classReduction, "classReduction");
            return this;
        }

        /**
         * Sets the margin of {@link Distance#LDI}: a logit difference {@code |z_c - r_c|} up to it costs
         * nothing, beyond it the excess is penalized (unused by the other distances).
         *
         * @param margin a finite value &ge; 0, default 0
         * @return this builder
         */
        public Builder optMargin(float margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets the power {@code p} of {@link Distance#LDI}'s hinge {@code max(|z_c - r_c| - margin, 0)^p}
         * (unused by the other distances). 1 and 2 are the usual choices.
         *
         * @param power a finite value &ge; 1, default 2 (ELODI)
         * @return this builder
         */
        public Builder optPower(float power) {
            this.power = power;
            return this;
        }

        /**
         * Restricts {@link Distance#LDI} to the k classes with the largest reference logits of each
         * sample (ties with the k-th largest included; see the class doc). It must not exceed the number
         * of classes, which {@link FocalDistillationLoss#evaluate} and {@link
         * FocalDistillationLoss#teacherLabels} check.
         *
         * @param topK an integer &ge; 0, default 0 (every class)
         * @return this builder
         */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /**
         * Leaves each sample's true class out of {@link Distance#LDI}'s class set; with {@link #optTopK},
         * the top k are taken among the other classes.
         *
         * @param excludeTrueClass whether to exclude the true class, default false
         * @return this builder
         */
        public Builder optExcludeTrueClass(boolean excludeTrueClass) {
            this.excludeTrueClass = excludeTrueClass;
            return this;
        }

        /**
         * Sets the name the loss reports under in DJL's training listeners.
         *
         * @param name the name, default "FocalDistillationLoss"
         * @return this builder
         */
        public Builder optName(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Returns every option whose value is invalid, in the order the builder's {@code opt} methods are listed:
         * tau must be a finite number &gt; 0; alpha, beta, lambda and margin finite numbers &ge; 0; power a finite
         * number &ge; 1; top k an integer &ge; 0. The one place these checks are written: {@link #build()} throws
         * for the first, and a job file's validator reports them all under its keys.
         *
         * @return the problems, empty when the options are valid
         */
        public List<OptionProblem> problems() {
            List<OptionProblem> problems = new ArrayList<>();
            atLeast(problems, "alpha", alpha, 0);
            atLeast(problems, "beta", beta, 0);
            if (!(tau > 0) || Float.isInfinite(tau)) {
                problems.add(new OptionProblem("tau", tau, number(tau, "> 0")));
            }
            atLeast(problems, "lambda", lambda, 0);
            atLeast(problems, "margin", margin, 0);
            if (!(power >= 1) || Float.isInfinite(power)) {
                problems.add(new OptionProblem("power", power,
                        number(power, ">= 1") + " (the power of LDI's hinge, e.g. 1 or 2)"));
            }
            if (topK < 0) {
                problems.add(new OptionProblem("topK", topK, "an integer >= 0 (0 = every class)"));
            }
            return problems;
        }

        /**
         * Validates the options and builds the loss.
         *
         * @return the loss
         * @throws IllegalArgumentException for the first of {@link #problems()}, naming the option, what is
         *     expected and the value
         */
        public FocalDistillationLoss build() {
            List<OptionProblem> problems = problems();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(problems.get(0).message());
            }
            return new FocalDistillationLoss(this);
        }

        private static void atLeast(List<OptionProblem> problems, String option, float value, float minimum) {
            if (!(value >= minimum) || Float.isInfinite(value)) {
                problems.add(new OptionProblem(option, value, number(value, ">= " + (minimum == 0 ? "0" : minimum))));
            }
        }

        /** "a number" and the bound, "a finite number" for an infinite value. */
        private static String number(float value, String bound) {
            return (Float.isInfinite(value) ? "a finite number " : "a number ") + bound;
        }
    }
}
