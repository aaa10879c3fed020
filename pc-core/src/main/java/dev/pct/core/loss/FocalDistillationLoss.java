package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
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
 *   <li>precomputed, the three arrays {@link #teacherLabels(NDArray, NDArray)} makes once per
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
 *       The shape of {@code y} tells the first two apart, so that labels that lost their names are
 *       still never read as the other layout; the LDI layout alone has four arrays.
 * </ul>
 *
 * <p>The model pulled toward need not be the one whose correctness sets the weights: {@link
 * #teacherLabels(NDArray, NDArray, NDArray, boolean)} takes the targets from reference logits (e.g. the
 * mean logits of an ensemble of new-architecture models, as ELODI does) and {@code 1[old correct]} from a
 * mask of the old model's decisions, in the same layouts.
 *
 * <p>The arrays of {@link #teacherLabels} are copies that belong to the old logits' manager, never
 * views of the caller's arrays. The target array {@code labels[1]} is named ({@link
 * NDArray#getName}, host metadata, no native call) after the settings it depends on; {@link
 * #evaluate} rejects a named target of a differently configured loss. Arrays rebuilt from their
 * values (a cache in host memory, a data set's slicing) lose the name and are trusted to be this
 * loss's own layout: checking values would cost a host read per batch.
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
 * <p>Every constant on a path that autograd records is an array the engine owns: DJL's {@code
 * mul(Number)} and friends wrap a Java buffer that the garbage collector may free before {@code
 * backward} reads it.
 *
 * <p>At tau &gt; 1 the KL written as {@code sum_c q log q - sum_c q log pT} subtracts two numbers
 * close to {@code -log C} whose difference shrinks as {@code 1/tau^2}, which costs float32 about
 * {@code 1e-3} of the value at tau 100. There the value (not the gradient) is computed from the
 * log-ratios {@code r = log pT - log q}, centred so that {@code sum_c q_c r_c = 0}: {@code
 * KL = log(1 + sum_c q_c expm1(r_c))}, with {@code expm1(x) = tanh(x/2) (1 + e^x)} and {@code
 * log(1 + s) = softplus(log s)}, both exact in float32 for small arguments. A sample whose KL
 * exceeds one nat, where the direct form is exact already, keeps the direct form. This costs about
 * ten elementwise passes more than the direct form, one of them a tanh: DJL's PyTorch engine has no
 * {@code expm1}, {@code log1p} or {@code atanh} ({@code atanh} throws), its {@code elu} is {@code
 * exp(x) - 1} (not exact near 0), and {@code sinh} would need two clamps to stay finite where this
 * form is.
 *
 * <p>{@link #updateAccumulators} reuses the value of a recent {@link #evaluate} on the same
 * prediction array (by identity) instead of computing the loss a second time per step.
 */
public final class FocalDistillationLoss extends Loss {

    /** Recent evaluations kept for {@link #updateAccumulators}: one per device is enough. */
    private static final int RECENT_CAPACITY = 8;

    /** Prefix of the names {@link #teacherLabels} gives its target arrays; other names are ignored. */
    private static final String TAG_PREFIX = "pct.";

    /**
     * Up to this many logits (N·C) the soft-target loss is a row product, a row sum and a mean (five
     * native calls); above, one inner product of flattened views, which writes no N×C product.
     */
    static final long SMALL_SOFT_TARGET = 1L << 16;

    /** Above this KL (nats) per sample the direct form is exact to float32 and the precise form is skipped. */
    private static final float DIRECT_FORM_KL = 1f;

    private static final int[] CLASS_AXIS = {1};

    private final float alpha;
    private final float beta;
    private final float tau;
    private final float lambda;
    private final Distance distance;
    private final SampleFilter filter;
    private final ClassReduction classReduction;
    private final float margin;
    private final float power;
    private final int topK;
    private final boolean excludeTrueClass;

    /** Whether {@link #teacherLabels} gives the soft-target layout (see the class doc). */
    private final boolean softTarget;
    /** The name of the general layout's target: the settings that array depends on. */
    private final String generalTag;
    /** The name of the soft-target layout's target, or null when this loss does not make one. */
    private final String softTargetTag;

    private final Map<String, Float> totalLoss = new HashMap<>();
    private final Deque<Evaluation> recent = new ArrayDeque<>();

    private FocalDistillationLoss(Builder builder) {
        super(builder.name);
        this.alpha = builder.alpha;
        this.beta = builder.beta;
        this.tau = builder.tau;
        this.lambda = builder.lambda;
        this.distance = builder.distance;
        this.filter = builder.filter;
        this.classReduction = builder.classReduction;
        this.margin = builder.margin;
        this.power = builder.power;
        this.topK = builder.topK;
        this.excludeTrueClass = builder.excludeTrueClass;
        // At tau = 1 with weights known from the old model alone, CE plus the weighted KL is one
        // cross-entropy against a soft target; lambda = 0 is plain CE, cheaper on the general path.
        this.softTarget =
                distance == Distance.KL
                        && tau == 1f
                        && lambda > 0f
                        && (filter == SampleFilter.OLD_CORRECT || filter == SampleFilter.ALL);
        this.softTargetTag =
                softTarget
                        ? TAG_PREFIX
                                + "softTarget{distance=KL, tau=1.0, alpha="
                                + alpha
                                + ", beta="
                                + beta
                                + ", lambda="
                                + lambda
                                + ", filter="
                                + filter
                                + ", classReduction="
                                + classReduction
                                + "}"
                        : null;
        this.generalTag =
                TAG_PREFIX
                        + "teacherTarget{distance="
                        + distance
                        + (distance == Distance.KL ? ", tau=" + tau : "")
                        + (distance == Distance.LDI ? ", " + ldiSettings() : "")
                        + "}";
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
        return alpha;
    }

    /**
     * Returns the extra weight of the samples the filter selects.
     *
     * @return beta
     */
    public float getBeta() {
        return beta;
    }

    /**
     * Returns the temperature of the KL distance.
     *
     * @return tau
     */
    public float getTau() {
        return tau;
    }

    /**
     * Returns the weight of the distillation term relative to cross-entropy.
     *
     * @return lambda
     */
    public float getLambda() {
        return lambda;
    }

    /**
     * Returns the distance between new and old logits.
     *
     * @return the distance
     */
    public Distance getDistance() {
        return distance;
    }

    /**
     * Returns the filter that picks the samples weighted up by beta.
     *
     * @return the sample filter
     */
    public SampleFilter getFilter() {
        return filter;
    }

    /**
     * Returns how the distance reduces over classes.
     *
     * @return the class reduction
     */
    public ClassReduction getClassReduction() {
        return classReduction;
    }

    /**
     * Returns the margin of {@link Distance#LDI}: logit differences up to it cost nothing.
     *
     * @return the margin
     */
    public float getMargin() {
        return margin;
    }

    /**
     * Returns the power {@code p} of {@link Distance#LDI}'s hinge.
     *
     * @return the power
     */
    public float getPower() {
        return power;
    }

    /**
     * Returns how many classes of largest reference logit per sample {@link Distance#LDI} compares.
     *
     * @return k, or 0 for every class
     */
    public int getTopK() {
        return topK;
    }

    /**
     * Returns whether {@link Distance#LDI} leaves out the true class of each sample.
     *
     * @return whether the true class is excluded
     */
    public boolean isExcludeTrueClass() {
        return excludeTrueClass;
    }

    /**
     * Computes the old model's terms once, in the precomputed label layout this loss accepts.
     *
     * <p>For KL at tau 1 with filter {@link SampleFilter#OLD_CORRECT} or {@link SampleFilter#ALL}
     * (and lambda &gt; 0) this returns the soft-target layout {@code [y (N, 1) int64, combinedTarget
     * (N×C), selfConstant (N)]}; for {@link Distance#LDI} {@code [y (N) int64, reference (N×C),
     * classWeights (N×C), oldCorrect (N)]}; otherwise {@code [y (N) int64, target (N×C), oldCorrect
     * (N)]} (see the class documentation). The target array is named after the settings it depends on, so
     * that {@link #evaluate} of a differently configured loss rejects it. The arrays are new (none is
     * a view of {@code y} or {@code oldLogits}, so the caller may close those) and belong to {@code
     * oldLogits}' manager. This checks the labels' range, a host read.
     *
     * @param y the true classes, shape (N) or (N, 1), float or integer
     * @param oldLogits the old model's logits, shape (N, C)
     * @return the precomputed labels
     * @throws IllegalArgumentException if the shapes do not match, a label is outside [0, C), or
     *     top k exceeds C
     */
    public NDList teacherLabels(NDArray y, NDArray oldLogits) {
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
    public NDList teacherLabels(NDArray y, NDArray oldLogits, boolean checkRange) {
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
    public NDList teacherLabels(NDArray y, NDArray referenceLogits, NDArray oldCorrect, boolean checkRange) {
        NDArray oldLogits = referenceLogits;
        Shape shape = oldLogits.getShape();
        checkRank2("oldLogits", shape);
        int n = Math.toIntExact(shape.get(0));
        int c = Math.toIntExact(shape.get(1));
        checkLabelShape(y, n, "oldLogits", shape);
        if (oldCorrect != null) {
            checkPerSample("oldCorrect vs reference logits", oldCorrect.getShape(), n, shape);
        }
        checkTopK("oldLogits", shape);
        if (checkRange) {
            checkLabelRange(y, c);
        }
        NDManager owner = oldLogits.getManager();
        NDList result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // Copies, never views: the caller may close its arrays, whose memory on CPU can be a Java
            // buffer that the garbage collector then frees. toType returns the array itself when the type
            // already matches, so an int64 y is duplicated explicitly.
            NDArray yCol = (y.getDataType() == DataType.INT64 ? y.duplicate() : y.toType(DataType.INT64, false))
                    .reshape(n, 1);
            Terms terms = terms(yCol, oldLogits, n, true);
            if (oldCorrect != null) {
                // A copy in float32 0/1, whatever the caller's type: the caller may close its array.
                NDArray given = oldCorrect.stopGradient().toType(DataType.FLOAT32, false).reshape(n);
                NDArray mask = given.neq(constant(given, 0f)).toType(DataType.FLOAT32, false);
                terms = new Terms(terms.target, mask, terms.classWeights);
            }
            if (softTarget) {
                result = softTargetLabels(yCol, terms, n, c);
                result.get(1).setName(softTargetTag);
            } else if (distance == Distance.LDI) {
                result = new NDList(yCol.reshape(n), terms.target, terms.classWeights, terms.oldCorrect);
                result.get(1).setName(generalTag);
            } else {
                result = new NDList(yCol.reshape(n), terms.target, terms.oldCorrect);
                result.get(1).setName(generalTag);
            }
            for (NDArray array : result) {
                NDScope.unregister(array);
            }
        }
        result.attach(owner);
        return result;
    }

    /**
     * The soft-target layout. At tau = 1, with {@code a_i = lambda * w_i * s} ({@code s = 1} or
     * {@code 1/C}), {@code CE_i + a_i KL(q_i || p_i) = -sum_c t_ic log p_ic + k_i} with {@code t_i =
     * e_y_i + a_i q_i} and {@code k_i = a_i sum_c q_ic log q_ic}.
     */
    private NDList softTargetLabels(NDArray yCol, Terms terms, int n, int c) {
        NDArray logQ = terms.target.logSoftmax(1);
        NDArray q = logQ.exp();
        // q * log q from the log-softmax: finite where q underflows to 0, so no 0 * -inf.
        NDArray selfTerm = q.mul(logQ).sum(CLASS_AXIS);
        float s = lambda * (classReduction == ClassReduction.MEAN ? 1f / c : 1f);
        NDArray a =
                filter == SampleFilter.ALL
                        ? selfTerm.onesLike().muli(s * (alpha + beta))
                        : terms.oldCorrect.mul(beta * s).addi(alpha * s);
        NDArray target = q.muli(a.reshape(n, 1));
        // PyTorch's DJL engine has one-hot with on value 1 only.
        target.addi(yCol.reshape(n).oneHot(c, DataType.FLOAT32));
        return new NDList(yCol, target, selfTerm.muli(a));
    }

    /**
     * Computes the focal-distillation loss; see the class documentation for the label layouts.
     *
     * @param labels {@code [y, oldLogits]} or the arrays of {@link #teacherLabels}
     * @param predictions {@code [z]}, the new model's logits (N×C)
     * @return the scalar loss, owned by the manager of {@code predictions[0]}
     * @throws IllegalArgumentException if the shapes are inconsistent, the labels were made by
     *     {@link #teacherLabels} of a loss with other settings, or on the raw path a label is
     *     outside [0, C)
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return compute(labels, predictions, false).loss();
    }

    /**
     * Computes the loss like {@link #evaluate} and also its cross-entropy and distillation parts, for
     * logging. The parts cost a few native calls more (on the soft-target layout a gather) and no host
     * read; they belong to this call alone.
     *
     * @param labels {@code [y, oldLogits]} or the arrays of {@link #teacherLabels}
     * @param predictions {@code [z]}, the new model's logits (N×C)
     * @return the loss and its parts, owned by the manager of {@code predictions[0]}
     * @throws IllegalArgumentException as {@link #evaluate} does
     */
    public LossParts evaluateParts(NDList labels, NDList predictions) {
        return compute(labels, predictions, true);
    }

    private LossParts compute(NDList labels, NDList predictions, boolean withParts) {
        if (predictions == null || predictions.isEmpty()) {
            throw new IllegalArgumentException("predictions: expected [newLogits (N, C)], got none");
        }
        NDArray z = predictions.get(0);
        Shape zShape = z.getShape();
        checkRank2("predictions[0] (new logits)", zShape);
        int n = Math.toIntExact(zShape.get(0));
        int c = Math.toIntExact(zShape.get(1));
        boolean ldi = distance == Distance.LDI;
        if (labels == null || (labels.size() != 2 && labels.size() != (ldi ? 4 : 3))) {
            throw new IllegalArgumentException(labelCountMessage(labels));
        }
        NDArray y = labels.get(0);
        checkLabelShape(y, n, "predictions[0]", zShape);
        checkTopK("predictions[0] (new logits)", zShape);
        boolean raw = labels.size() == 2;
        boolean soft = false;
        if (raw) {
            checkSameShape("labels[1] (old logits)", labels.get(1).getShape(), zShape);
            checkLabelRange(y, c);
        } else if (ldi) {
            checkTag(labels.get(1).getName(), generalTag);
            checkSameShape("labels[1] (reference logits)", labels.get(1).getShape(), zShape);
            checkSameShape("labels[2] (class weights)", labels.get(2).getShape(), zShape);
            checkPerSample("labels[3] (old-correct mask)", labels.get(3).getShape(), n, zShape);
        } else {
            soft = y.getShape().dimension() == 2;
            checkLayout(soft, labels.get(1).getName());
            checkSameShape(soft ? "labels[1] (combined target)" : "labels[1] (teacher target)",
                    labels.get(1).getShape(), zShape);
            checkPerSample(soft ? "labels[2] (self constant)" : "labels[2] (old-correct mask)",
                    labels.get(2).getShape(), n, zShape);
        }
        LossParts parts;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray yCol = y.getDataType() == DataType.INT64 ? y : y.toType(DataType.INT64, false);
            if (yCol.getShape().dimension() == 1) {
                yCol = yCol.reshape(n, 1);
            }
            if (soft) {
                parts = softTarget(z, yCol, labels.get(1), asVector(labels.get(2), n), n, withParts);
            } else {
                Terms terms = raw
                        ? terms(yCol, labels.get(1), n, false)
                        : new Terms(labels.get(1), asVector(labels.get(labels.size() - 1), n),
                                ldi ? labels.get(2) : null);
                parts = general(z, yCol, terms, n, c, withParts);
            }
            NDScope.unregister(parts.loss());
            if (withParts) {
                NDScope.unregister(parts.crossEntropy(), parts.distillation());
            }
        }
        return finish(z, parts, predictions, labels, withParts);
    }

    /** Why labels of this many arrays do not fit this loss, naming the loss that made them when known. */
    private String labelCountMessage(NDList labels) {
        String made = "";
        if (labels != null && labels.size() > 1 && isTag(labels.get(1).getName())) {
            made = " (teacherLabels of a loss with " + labels.get(1).getName().substring(TAG_PREFIX.length()) + ")";
        }
        String expected = distance == Distance.LDI
                ? "[y, oldLogits] or the 4 arrays of an LDI loss's teacherLabels ([y, reference, classWeights,"
                        + " oldCorrect])"
                : "[y, oldLogits] or the 3 arrays of teacherLabels ([y, target, oldCorrect], or at KL tau 1 the"
                        + " soft target [y, combinedTarget, selfConstant])";
        return "labels: expected " + expected + ", got "
                + (labels == null ? "null" : labels.size() + " arrays" + made);
    }

    /**
     * Checks precomputed labels against this loss: the soft-target layout (y of shape (N, 1)) only of
     * this loss's own settings, the general layout (y of shape (N)) of the same distance and tau.
     */
    private void checkLayout(boolean soft, String name) {
        if (!soft) {
            checkTag(name, generalTag);
        } else if (softTarget) {
            checkTag(name, softTargetTag);
        } else {
            throw new IllegalArgumentException(
                    "labels: [y (N, 1), ...] is the soft-target layout of teacherLabels of a loss with KL,"
                            + " tau 1 and filter OLD_CORRECT or ALL"
                            + (isTag(name) ? " (these: " + name.substring(TAG_PREFIX.length()) + ")" : "")
                            + ", but this loss has "
                            + describe()
                            + ": pass [y, oldLogits] or this loss's teacherLabels");
        }
    }

    /**
     * The loss on the soft-target layout: {@code L = mean_i (k_i - sum_c t_ic log p_ic)}; log-softmax's
     * backward gives {@code (p * sum_c t_c - t) / N}, the exact gradient.
     */
    private LossParts softTarget(NDArray z, NDArray yCol, NDArray target, NDArray selfConstant, int n,
            boolean withParts) {
        NDArray logP = z.logSoftmax(1);
        NDArray loss;
        if ((long) n * target.getShape().get(1) <= SMALL_SOFT_TARGET) {
            loss = selfConstant.sub(logP.mul(target).sum(CLASS_AXIS)).mean();
        } else {
            // One inner product of the flattened views: reads both once and writes no N×C product.
            NDArray cross = logP.reshape(-1).dot(target.reshape(-1));
            loss = selfConstant.mean().sub(cross.mul(constant(z, 1f / n)));
        }
        if (!withParts) {
            return new LossParts(loss, null, null);
        }
        NDArray crossEntropy = logP.stopGradient().gather(yCol, 1).mean().neg();
        return new LossParts(loss, crossEntropy, loss.stopGradient().sub(crossEntropy));
    }

    /**
     * The loss on the general layout (or on raw labels), for every distance and filter. Cross-entropy goes
     * through autograd (log-softmax's fused backward); the distillation term is computed on the detached
     * logits, its value and its closed-form gradient together, and joined to the graph by {@link #withGradient}.
     */
    private LossParts general(NDArray z, NDArray yCol, Terms terms, int n, int c, boolean withParts) {
        NDArray logP = z.logSoftmax(1);
        NDArray crossEntropy = logP.gather(yCol, 1).mean().neg();
        if (lambda == 0f) {
            return new LossParts(crossEntropy, withParts ? crossEntropy.stopGradient() : null,
                    withParts ? crossEntropy.stopGradient().zerosLike() : null);
        }
        float perClass = classReduction == ClassReduction.MEAN ? 1f / c : 1f;
        NDArray zd = z.stopGradient();
        NDArray distillation;
        if (distance == Distance.KL) {
            distillation = kl(z, zd, logP, yCol, terms, n, perClass);
        } else if (distance == Distance.LOGIT_MATCHING) {
            distillation = logitMatching(z, zd, yCol, terms, n, perClass);
        } else {
            distillation = ldi(z, zd, yCol, terms, n, c);
        }
        NDArray loss = crossEntropy.add(distillation);
        return withParts
                ? new LossParts(loss, crossEntropy.stopGradient(), distillation.stopGradient())
                : new LossParts(loss, null, null);
    }

    /**
     * {@code lambda * sum_i w_i tau^2 s KL(q_i || pT_i) / N} with the target {@code log q} (the old logits'
     * log-softmax at tau). Its gradient is {@code lambda w_i tau s (pT - q) / N}: through autograd, the
     * tempered log-softmax's fused backward of {@code -sum q log pT}; at tau &gt; 1 the value comes from
     * {@link #preciseKl}, which needs the same {@code log pT}.
     */
    private NDArray kl(NDArray z, NDArray zd, NDArray logP, NDArray yCol, Terms terms, int n, float perClass) {
        NDArray weights = weights(zd, yCol, terms.oldCorrect, lambda * tau * tau * perClass / n, n);
        NDArray logQ = terms.target;
        NDArray q = logQ.exp();
        NDArray logPT = tau == 1f ? logP : z.mul(constant(z, 1f / tau)).logSoftmax(1);
        // KL(q || pT) = sum_c q log q - sum_c q log pT; only the second part depends on z.
        NDArray cross = q.mul(logPT).sum(CLASS_AXIS);
        if (tau <= 1f) {
            NDArray selfTerm = q.mul(logQ).sum(CLASS_AXIS);
            return weightedSum(selfTerm.sub(cross), weights);
        }
        NDArray kl = preciseKl(logPT.stopGradient(), logQ, q);
        // The precise value, with the gradient of the direct form: x - stop(x) is exactly 0.
        NDArray x = weightedSum(cross, weights);
        return weightedSum(kl, weights).sub(x.sub(x.stopGradient()));
    }

    /**
     * {@code lambda * sum_i w_i s ||z_i - o_i||^2 / (2N)}; its gradient {@code lambda w_i s (z_i - o_i) / N} is
     * the scaled difference itself, formed in place.
     */
    private NDArray logitMatching(NDArray z, NDArray zd, NDArray yCol, Terms terms, int n, float perClass) {
        NDArray weights = weights(zd, yCol, terms.oldCorrect, lambda * perClass / n, n);
        NDArray difference = zd.sub(terms.target);
        NDArray value = weightedSum(rowSums(difference.square()), weights).mul(constant(zd, 0.5f));
        return withGradient(z, value, difference.muli(column(weights, n)));
    }

    /**
     * LDI: {@code sum_i a_i sum_c k_ic h_ic^p} with {@code h = max(|z - r| - margin, 0)}, class weights
     * {@code k} and {@code a_i = lambda w_i / N}. The gradient in closed form is {@code a_i k_ic p h^(p-1)
     * sign(z - r)}; at p = 1 the factor {@code h^0} is {@code (sign(|z - r| - margin) + 1) / 2}, 1 above the
     * margin, 0 below and one half on it, the subgradient autograd's {@code maximum} gives at a tie (see the
     * class doc).
     */
    private NDArray ldi(NDArray z, NDArray zd, NDArray yCol, Terms terms, int n, int c) {
        // Every class (with the true one): the class weights are the constant s, folded into the sample
        // weights instead of multiplying two N×C arrays by an array of equal entries.
        boolean everyClass = !excludeTrueClass && (topK == 0 || topK >= c);
        float perClass = everyClass && classReduction == ClassReduction.MEAN ? 1f / c : 1f;
        NDArray weights = weights(zd, yCol, terms.oldCorrect, lambda * perClass / n, n);
        NDArray classWeights = everyClass ? null : terms.classWeights;
        NDArray difference = zd.sub(terms.target);
        NDArray penalty;
        NDArray slope;
        if (power == 2f) {
            // h sign(z - r) is the soft threshold u = d - clip(d, -margin, margin): h^2 = u^2, slope 2u.
            NDArray u = margin == 0f
                    ? difference
                    : difference.sub(difference.minimum(constant(zd, margin)).maximum(constant(zd, -margin)));
            penalty = u.square();
            slope = u.muli(constant(zd, 2f));
        } else {
            NDArray sign = difference.sign();
            NDArray excess = difference.abs();
            if (margin != 0f) {
                excess.subi(constant(zd, margin));
            }
            NDArray hinge = excess.maximum(constant(zd, 0f));
            if (power == 1f) {
                penalty = hinge;
                slope = excess.sign().addi(constant(zd, 1f)).muli(constant(zd, 0.5f)).muli(sign);
            } else {
                NDArray lower = hinge.pow(constant(zd, power - 1f));
                penalty = lower.mul(hinge);
                slope = lower.muli(constant(zd, power)).muli(sign);
            }
        }
        if (classWeights != null) {
            penalty.muli(classWeights);
            slope.muli(classWeights);
        }
        NDArray value = weightedSum(rowSums(penalty), weights);
        return withGradient(z, value, slope.muli(column(weights, n)));
    }

    /**
     * A scalar equal to {@code value} whose gradient with respect to {@code z} is {@code gradient}: {@code
     * value + (x - stop(x))} with {@code x = <z, gradient>}, where {@code x - stop(x)} is exactly 0. Autograd
     * records one inner product (whose backward is one product with {@code gradient}) instead of a node per
     * elementwise op of the distance.
     *
     * @param z the new logits (N×C), recorded by autograd
     * @param value the detached value
     * @param gradient the detached gradient of the value with respect to {@code z} (N×C)
     */
    private static NDArray withGradient(NDArray z, NDArray value, NDArray gradient) {
        NDArray x = z.reshape(-1).dot(gradient.reshape(-1));
        return value.add(x.sub(x.stopGradient()));
    }

    /** {@code sum_i v_i w_i} for per-sample values (N) and weights (N) or a scalar weight. */
    private static NDArray weightedSum(NDArray values, NDArray weights) {
        return weights.getShape().dimension() == 0 ? values.sum().mul(weights) : values.dot(weights);
    }

    /** Sums over the class axis: (N×C) to (N). */
    private static NDArray rowSums(NDArray array) {
        return array.sum(CLASS_AXIS);
    }

    /** The weights as a column (N, 1) that broadcasts over classes; a scalar stays a scalar. */
    private static NDArray column(NDArray weights, int n) {
        return weights.getShape().dimension() == 0 ? weights : weights.reshape(n, 1);
    }

    /**
     * Per-sample {@code KL(q || pT)} (N) from the log-ratios {@code l = log pT - log q}, exact to float32
     * where the direct form {@code -sum_c q_c l_c} loses the digits that matter (see the class doc).
     *
     * @param logPT the new logits' log-softmax at tau, detached
     * @param logQ the old logits' log-softmax at tau
     * @param q its softmax
     */
    private static NDArray preciseKl(NDArray logPT, NDArray logQ, NDArray q) {
        NDArray r = logPT.sub(logQ);
        NDArray mean = q.mul(r).sum(CLASS_AXIS, true);
        // The direct form, kept where it is exact already (and where the precise form would overflow).
        NDArray direct = mean.neg().reshape(-1);
        // Centred under q, so that the first-order terms of sum_c q_c expm1(r_c) cancel exactly.
        r.subi(mean);
        // q * expm1(r) = tanh(r/2) * (q + q e^r), with q e^r = exp(log pT - mean): no overflow below KL 88.
        NDArray qExpR = logPT.sub(mean).exp().addi(q);
        NDArray qExpm1 = r.muli(constant(r, 0.5f)).tanh().muli(qExpR);
        // Jensen makes s >= 0; rounding may not. maximum with an engine constant, not clip(Number,
        // Number), which reads both bounds back to the host (two aten::item per call).
        NDArray s = qExpm1.sum(CLASS_AXIS).maximum(constant(qExpm1, 0f));
        NDArray kl = s.log().getNDArrayInternal().softPlus();
        return NDArrays.where(direct.gt(constant(direct, DIRECT_FORM_KL)), direct, kl);
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
        remember(new Evaluation(predictions.get(0), labels.get(0), parts.loss()));
        return parts;
    }

    /** A scalar constant the engine owns, on the device and of the type of {@code like}. */
    private static NDArray constant(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
    }

    /**
     * Rejects a target array named by teacherLabels of a loss with other settings. Unnamed arrays
     * (rebuilt from host memory, sliced by a data set) pass: the name costs no native call, a check
     * of the values would cost a host read per batch.
     */
    private static void checkTag(String name, String expected) {
        if (isTag(name) && !name.equals(expected)) {
            throw new IllegalArgumentException(
                    "labels[1]: made by teacherLabels of a loss with "
                            + name.substring(TAG_PREFIX.length())
                            + ", but this loss expects "
                            + expected.substring(TAG_PREFIX.length())
                            + ": make the labels with this loss's teacherLabels");
        }
    }

    private static boolean isTag(String name) {
        return name != null && name.startsWith(TAG_PREFIX);
    }

    private String describe() {
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

    /** The settings LDI's precomputed labels depend on, for their name and for messages. */
    private String ldiSettings() {
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

    /** LDI's top k must not exceed the number of classes (host metadata only). */
    private void checkTopK(String what, Shape logits) {
        if (distance == Distance.LDI && topK > logits.get(1)) {
            throw new IllegalArgumentException(
                    "topK: "
                            + topK
                            + " exceeds the "
                            + logits.get(1)
                            + " classes of "
                            + what
                            + " "
                            + logits
                            + ": expected topK <= C (0 = every class)");
        }
    }

    /**
     * The sample weights times {@code scale}: an (N) array, or a scalar when they are the constant
     * alpha + beta. Arg-max results carry no gradient, so the weights are constants.
     */
    private NDArray weights(NDArray z, NDArray yCol, NDArray oldCorrect, float scale, int n) {
        NDArray indicator;
        switch (filter) {
            case ALL:
                return constant(z, (alpha + beta) * scale);
            case OLD_CORRECT:
                indicator = oldCorrect;
                break;
            case NEW_INCORRECT:
                indicator = newIncorrect(z, yCol, n);
                break;
            case NEGATIVE_FLIP:
                indicator = oldCorrect.mul(newIncorrect(z, yCol, n));
                break;
            default:
                throw new AssertionError("unknown filter " + filter);
        }
        NDArray weights = indicator.mul(constant(z, beta * scale));
        return alpha == 0f ? weights : weights.addi(constant(z, alpha * scale));
    }

    private static NDArray newIncorrect(NDArray z, NDArray yCol, int n) {
        return z.argMax(1).neq(yCol.reshape(n)).toType(DataType.FLOAT32, false);
    }

    /** The array as shape (N); no op (each costs a native call) when it already is. */
    private static NDArray asVector(NDArray array, int n) {
        return array.getShape().dimension() == 1 ? array : array.reshape(n);
    }

    /**
     * The general layout's per-sample arrays: the distance's target, the old-correct mask and, for LDI
     * only (else null), the class weights {@code s_i * 1[c in S_i]}.
     */
    private record Terms(NDArray target, NDArray oldCorrect, NDArray classWeights) {}

    /**
     * Target, old-correct mask and (LDI) class weights from old logits; yCol is int64 of shape (N, 1).
     * With {@code owned}, the target is a new array even where it equals the old logits, and the class
     * weights are a full N×C array.
     */
    private Terms terms(NDArray yCol, NDArray oldLogits, int n, boolean owned) {
        NDArray o = oldLogits.stopGradient();
        NDArray oldCorrect = o.argMax(1).eq(yCol.reshape(n)).toType(DataType.FLOAT32, false);
        if (o.getDataType() != DataType.FLOAT32) {
            o = o.toType(DataType.FLOAT32, false);
        }
        NDArray target;
        if (distance == Distance.KL) {
            // log q, the old logits' log-softmax at tau: a new array, computed once per sample.
            target = (tau == 1f ? o : o.mul(constant(o, 1f / tau))).logSoftmax(1);
        } else {
            target = owned ? o.duplicate() : o;
        }
        int c = Math.toIntExact(o.getShape().get(1));
        NDArray classWeights = distance == Distance.LDI ? classWeights(yCol, target, n, c, owned) : null;
        return new Terms(target, oldCorrect, classWeights);
    }

    /**
     * LDI's class set as weights {@code s_i * 1[c in S_i]} (N×C, float32) from the reference logits
     * {@code r} (float32, no gradient): {@code s_i = 1/|S_i|} for {@link ClassReduction#MEAN}, 1 for
     * {@link ClassReduction#SUM}. With top k, {@code S_i} holds every candidate class whose reference
     * logit is at least the k-th largest of its row (ties with it included; see the class doc). Without
     * {@code full}, a set of every class for every sample is a scalar (no N×C product per call).
     */
    private NDArray classWeights(NDArray yCol, NDArray r, int n, int c, boolean full) {
        boolean mean = classReduction == ClassReduction.MEAN;
        if (!excludeTrueClass && (topK == 0 || topK >= c)) {
            // Every class: |S_i| = C.
            float value = mean ? 1f / c : 1f;
            return full
                    ? r.getManager().full(r.getShape(), value, DataType.FLOAT32, r.getDevice())
                    : constant(r, value);
        }
        int candidates = excludeTrueClass ? c - 1 : c;
        NDArray isTrue = excludeTrueClass ? yCol.reshape(n).oneHot(c, DataType.FLOAT32) : null;
        if (topK == 0 || topK >= candidates) {
            // Every class but the true one: |S_i| = C - 1 (none when C = 1, so D_i = 0).
            NDArray selected = constant(r, 1f).sub(isTrue);
            return mean ? selected.muli(constant(r, 1f / Math.max(candidates, 1))) : selected;
        }
        NDArray scores = r;
        NDArray notTrue = null;
        if (excludeTrueClass) {
            // The true class can never be among the top k of the others: it ranks last.
            NDArray trueMask = isTrue.toType(DataType.BOOLEAN, false);
            notTrue = trueMask.logicalNot();
            // DJL's where does not broadcast: the -inf is a full array.
            NDArray lowest =
                    r.getManager().full(r.getShape(), Float.NEGATIVE_INFINITY, DataType.FLOAT32, r.getDevice());
            scores = NDArrays.where(trueMask, lowest, r);
        }
        // The k-th largest value of each row (a top-k over classes, per sample), then every class at
        // least as large: ties with the k-th largest are all selected, whatever their order.
        NDArray kth = scores.topK(topK, 1, true, false).get(0).min(CLASS_AXIS, true);
        NDArray chosen = scores.gte(kth);
        if (notTrue != null) {
            chosen = chosen.logicalAnd(notTrue); // only matters when r holds -inf itself
        }
        NDArray selected = chosen.toType(DataType.FLOAT32, false);
        return mean ? selected.divi(selected.sum(CLASS_AXIS, true).maximum(constant(r, 1f))) : selected;
    }

    // ---- accumulators: DJL's semantics (mean over updates of the scalar loss), one evaluation ----

    /** {@inheritDoc} */
    @Override
    public void addAccumulator(String key) {
        synchronized (totalLoss) {
            totalInstances.put(key, 0L);
            totalLoss.put(key, 0f);
        }
    }

    /**
     * Adds the loss of this batch to the accumulators, like DJL's {@link Loss}: each call counts one
     * instance per key and adds the scalar loss, so {@link #getAccumulator} is the mean loss over
     * the updates. The value of a recent {@link #evaluate} on the same {@code predictions[0]} and
     * {@code labels[0]} (identity) is reused; only otherwise is the loss evaluated again.
     *
     * @param keys the accumulators to update
     * @param labels the labels
     * @param predictions the predictions
     */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        NDArray value = recall(predictions, labels);
        if (value == null) {
            value = evaluate(labels, predictions);
        }
        float update = value.getFloat();
        synchronized (totalLoss) {
            for (String key : keys) {
                totalInstances.compute(key, (k, v) -> v == null ? 1L : v + 1);
                totalLoss.compute(key, (k, v) -> v == null ? update : v + update);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void resetAccumulator(String key) {
        synchronized (totalLoss) {
            totalInstances.compute(key, (k, v) -> 0L);
            totalLoss.compute(key, (k, v) -> 0f);
        }
    }

    /** {@inheritDoc} */
    @Override
    public float getAccumulator(String key) {
        synchronized (totalLoss) {
            Long count = totalInstances.get(key);
            if (count == null) {
                throw new IllegalArgumentException("No loss found at that path: " + key);
            }
            if (count == 0) {
                return Float.NaN;
            }
            return totalLoss.get(key) / count;
        }
    }

    private void remember(Evaluation evaluation) {
        synchronized (recent) {
            recent.removeIf(e -> e.predictions == evaluation.predictions);
            if (recent.size() == RECENT_CAPACITY) {
                recent.removeFirst();
            }
            recent.addLast(evaluation);
        }
    }

    private NDArray recall(NDList predictions, NDList labels) {
        if (predictions == null || predictions.isEmpty() || labels == null || labels.isEmpty()) {
            return null;
        }
        NDArray head = predictions.get(0);
        NDArray label = labels.get(0);
        synchronized (recent) {
            Iterator<Evaluation> it = recent.descendingIterator();
            while (it.hasNext()) {
                Evaluation e = it.next();
                if (e.predictions == head && e.labels == label) {
                    // A closed manager frees the value; evaluate afresh rather than read freed memory.
                    return e.value.isReleased() ? null : e.value;
                }
            }
        }
        return null;
    }

    /** One evaluation: the arrays it was computed from (compared by identity) and its value. */
    private record Evaluation(NDArray predictions, NDArray labels, NDArray value) {}

    // ---- validation: host metadata only ----

    private static void checkRank2(String what, Shape shape) {
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    what + ": expected rank 2 (N, C), got shape " + shape);
        }
    }

    private static void checkSameShape(String what, Shape actual, Shape logits) {
        if (!actual.equals(logits)) {
            throw new IllegalArgumentException(
                    what + ": expected shape " + logits + " like the new logits, got " + actual);
        }
    }

    private static void checkPerSample(String what, Shape actual, int n, Shape logits) {
        boolean ok =
                actual.size() == n
                        && (actual.dimension() == 1
                                || (actual.dimension() == 2 && actual.get(1) == 1));
        if (!ok) {
            throw new IllegalArgumentException(
                    what
                            + ": expected shape ("
                            + n
                            + ") for logits "
                            + logits
                            + ", got "
                            + actual);
        }
    }

    private static void checkLabelShape(NDArray y, int n, String logitsName, Shape logits) {
        checkPerSample("labels[0] (y) vs " + logitsName, y.getShape(), n, logits);
    }

    /** Host read: every label must be a whole number in [0, classes). */
    private static void checkLabelRange(NDArray y, int classes) {
        double[] values;
        try (NDArray copy = y.toType(DataType.FLOAT64, true)) {
            values = copy.toDoubleArray();
        }
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!(v >= 0 && v < classes) || v != Math.rint(v)) {
                throw new IllegalArgumentException(
                        "labels[0] (y): expected class indices in [0, "
                                + classes
                                + "), got "
                                + v
                                + " at sample "
                                + i);
            }
        }
    }

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
         * Validates the options and builds the loss.
         *
         * @return the loss
         * @throws IllegalArgumentException if tau is not finite and &gt; 0, alpha, beta, lambda or
         *     margin is not finite and &ge; 0, power is not finite and &ge; 1, or top k is negative
         */
        public FocalDistillationLoss build() {
            if (!(tau > 0) || Float.isInfinite(tau)) {
                throw new IllegalArgumentException(
                        "tau: expected a finite value > 0, got " + tau);
            }
            checkNonNegative("alpha", alpha);
            checkNonNegative("beta", beta);
            checkNonNegative("lambda", lambda);
            checkNonNegative("margin", margin);
            if (!(power >= 1) || Float.isInfinite(power)) {
                throw new IllegalArgumentException(
                        "power: expected a finite value >= 1, got " + power);
            }
            if (topK < 0) {
                throw new IllegalArgumentException(
                        "topK: expected an integer >= 0 (0 = every class), got " + topK);
            }
            return new FocalDistillationLoss(this);
        }

        private static void checkNonNegative(String what, float value) {
            if (!(value >= 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException(
                        what + ": expected a finite value >= 0, got " + value);
            }
        }
    }
}
