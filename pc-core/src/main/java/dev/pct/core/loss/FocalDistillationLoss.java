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
 *         <li>otherwise {@code [y (N) int64, target (N×C), oldCorrect (N)]}, where the target is
 *             {@code o / tau} for {@link Distance#KL} and {@code o} for {@link
 *             Distance#LOGIT_MATCHING}, and {@code oldCorrect} is {@code 1[argmax o_i == y_i]} as
 *             float 0/1. These depend on the distance and tau only, so any loss with the same two
 *             (a soft-target one included) accepts them.
 *       </ul>
 *       The shape of {@code y} tells the two apart, so that labels that lost their names are still
 *       never read as the other layout.
 * </ul>
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
 * <p>The old model's terms are computed once ({@link #teacherLabels}). The new model's side is a
 * few fused native ops whose autograd graph has a handful of nodes, so PyTorch's log-softmax
 * backward produces the closed-form gradient {@code (p - e_y)/N + lambda * w_i * tau * (pT - q)/N}
 * (KL) or {@code (p - e_y)/N + lambda * w_i * (z - o)/N} (logit matching) without one native call
 * per backward node. On the soft-target layout the loss is log-softmax, a product with the target
 * and a mean, and its gradient is {@code (p_i sum_c t_ic - t_i) / N}. The weights come from arg-max
 * decisions, so no gradient flows through them; gradient flows to {@code predictions[0]} only.
 *
 * <p>Every constant on a path that autograd records is an array the engine owns: DJL's {@code
 * mul(Number)} and friends wrap a Java buffer that the garbage collector may free before {@code
 * backward} reads it.
 *
 * <p>At tau &gt; 1 the KL written as {@code sum_c q log q - sum_c q log pT} subtracts two numbers
 * close to {@code -log C} whose difference shrinks as {@code 1/tau^2}, which costs float32 about
 * {@code 1e-3} of the value at tau 100. There the value (not the gradient) is computed from the
 * logit differences {@code r = z/tau - o/tau}, centred so that {@code sum_c q_c r_c = 0}: {@code
 * KL = log(1 + sum_c q_c expm1(r_c))}, with {@code expm1(x) = tanh(x/2) (1 + e^x)} and {@code
 * log(1 + s) = softplus(log s)}, both exact in float32 for small arguments. A sample whose KL
 * exceeds one nat, where the direct form is exact already, keeps the direct form. This costs about
 * a dozen elementwise passes more than the direct form.
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
                        + "}";
    }

    /**
     * Returns a builder with the paper's defaults: alpha 1, beta 5, tau 100, lambda 1, KL, old-correct
     * filter, sum over classes.
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
     * Computes the old model's terms once, in the precomputed label layout this loss accepts.
     *
     * <p>For KL at tau 1 with filter {@link SampleFilter#OLD_CORRECT} or {@link SampleFilter#ALL}
     * (and lambda &gt; 0) this returns the soft-target layout {@code [y (N, 1) int64, combinedTarget
     * (N×C), selfConstant (N)]}; otherwise {@code [y (N) int64, target (N×C), oldCorrect (N)]}
     * (see the class documentation). The target array is named after the settings it depends on, so
     * that {@link #evaluate} of a differently configured loss rejects it. The arrays are new (none is
     * a view of {@code y} or {@code oldLogits}, so the caller may close those) and belong to {@code
     * oldLogits}' manager. This checks the labels' range, a host read.
     *
     * @param y the true classes, shape (N) or (N, 1), float or integer
     * @param oldLogits the old model's logits, shape (N, C)
     * @return the precomputed labels
     * @throws IllegalArgumentException if the shapes do not match or a label is outside [0, C)
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
     * @throws IllegalArgumentException if the shapes do not match, or when checking, a label is outside
     *     [0, C)
     */
    public NDList teacherLabels(NDArray y, NDArray oldLogits, boolean checkRange) {
        Shape shape = oldLogits.getShape();
        checkRank2("oldLogits", shape);
        int n = Math.toIntExact(shape.get(0));
        int c = Math.toIntExact(shape.get(1));
        checkLabelShape(y, n, "oldLogits", shape);
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
            if (softTarget) {
                result = softTargetLabels(yCol, terms, n, c);
                result.get(1).setName(softTargetTag);
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
        if (labels == null || labels.size() < 2 || labels.size() > 3) {
            throw new IllegalArgumentException(
                    "labels: expected [y, oldLogits] or the 3 arrays of teacherLabels ([y, target,"
                            + " oldCorrect], or at KL tau 1 the soft target [y, combinedTarget,"
                            + " selfConstant]), got "
                            + (labels == null ? "null" : labels.size() + " arrays"));
        }
        NDArray y = labels.get(0);
        checkLabelShape(y, n, "predictions[0]", zShape);
        boolean raw = labels.size() == 2;
        boolean soft = false;
        if (raw) {
            checkSameShape("labels[1] (old logits)", labels.get(1).getShape(), zShape);
            checkLabelRange(y, c);
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
                        : new Terms(labels.get(1), asVector(labels.get(2), n));
                parts = general(z, yCol, terms, n, c, withParts);
            }
            NDScope.unregister(parts.loss());
            if (withParts) {
                NDScope.unregister(parts.crossEntropy(), parts.distillation());
            }
        }
        return finish(z, parts, predictions, labels, withParts);
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

    /** The loss on the general layout (or on raw labels), for every distance and filter. */
    private LossParts general(NDArray z, NDArray yCol, Terms terms, int n, int c, boolean withParts) {
        NDArray logP = z.logSoftmax(1);
        NDArray crossEntropy = logP.gather(yCol, 1).mean().neg();
        if (lambda == 0f) {
            return new LossParts(crossEntropy, withParts ? crossEntropy.stopGradient() : null,
                    withParts ? crossEntropy.stopGradient().zerosLike() : null);
        }
        float perClass = classReduction == ClassReduction.MEAN ? 1f / c : 1f;
        NDArray distillation;
        if (distance == Distance.KL) {
            NDArray weights = weights(z, yCol, terms.oldCorrect, lambda * tau * tau * perClass / n, n);
            NDArray logQ = terms.target.logSoftmax(1);
            NDArray q = logQ.exp();
            NDArray zT = tau == 1f ? z : z.mul(constant(z, 1f / tau));
            NDArray logPT = tau == 1f ? logP : zT.logSoftmax(1);
            // KL(q || pT) = sum_c q log q - sum_c q log pT; only the second part depends on z.
            NDArray cross = q.mul(logPT).sum(CLASS_AXIS);
            NDArray selfTerm = q.mul(logQ).sum(CLASS_AXIS);
            if (tau <= 1f) {
                distillation = selfTerm.sub(cross).mul(weights).sum();
            } else {
                NDArray kl = preciseKl(zT.stopGradient(), terms.target, logQ, q,
                        selfTerm.sub(cross.stopGradient()));
                // The precise value, with the gradient of the direct form: x - stop(x) is exactly 0.
                NDArray x = cross.mul(weights).sum();
                distillation = kl.mul(weights).sum().sub(x.sub(x.stopGradient()));
            }
        } else {
            NDArray weights = weights(z, yCol, terms.oldCorrect, 0.5f * lambda * perClass / n, n);
            distillation = z.sub(terms.target).square().sum(CLASS_AXIS).mul(weights).sum();
        }
        NDArray loss = crossEntropy.add(distillation);
        return withParts
                ? new LossParts(loss, crossEntropy.stopGradient(), distillation.stopGradient())
                : new LossParts(loss, null, null);
    }

    /**
     * Per-sample {@code KL(q || pT)} (N) from the logit differences, exact to float32 where the direct
     * form {@code sum q log q - sum q log pT} loses the digits that matter (see the class doc).
     *
     * @param zT the new logits over tau, detached
     * @param oT the old logits over tau
     * @param logQ log softmax of oT
     * @param q softmax of oT
     * @param direct the direct form's per-sample value, kept where it is exact already
     */
    private static NDArray preciseKl(NDArray zT, NDArray oT, NDArray logQ, NDArray q, NDArray direct) {
        NDArray r = zT.sub(oT);
        // Centred under q, so that the first-order terms of sum_c q_c expm1(r_c) cancel exactly.
        r.subi(q.mul(r).sum(CLASS_AXIS, true));
        // q * expm1(r) = tanh(r/2) * (q + q e^r), with q e^r = exp(log q + r): no overflow below KL 88.
        NDArray qExpm1 = r.mul(constant(r, 0.5f)).tanh().muli(logQ.add(r).exp().addi(q));
        // Jensen makes s >= 0; rounding may not. maximum with an engine constant, not clip(Number,
        // Number), which reads both bounds back to the host (two aten::item per call).
        NDArray s = qExpm1.sum(CLASS_AXIS).maximum(constant(qExpm1, 0f));
        NDArray kl = s.log().getNDArrayInternal().softPlus();
        return NDArrays.where(direct.gt(DIRECT_FORM_KL), direct, kl);
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
                + filter;
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

    /** The general layout's per-sample arrays: the distance's target and the old-correct mask. */
    private record Terms(NDArray target, NDArray oldCorrect) {}

    /**
     * Target and old-correct mask from old logits; yCol is int64 of shape (N, 1). With {@code owned},
     * the target is a new array even where it equals the old logits.
     */
    private Terms terms(NDArray yCol, NDArray oldLogits, int n, boolean owned) {
        NDArray o = oldLogits.stopGradient();
        NDArray oldCorrect = o.argMax(1).eq(yCol.reshape(n)).toType(DataType.FLOAT32, false);
        NDArray target;
        if (o.getDataType() != DataType.FLOAT32) {
            o = o.toType(DataType.FLOAT32, false);
            target = distance == Distance.KL && tau != 1f ? o.muli(1f / tau) : o;
        } else if (distance == Distance.KL && tau != 1f) {
            target = o.mul(constant(o, 1f / tau));
        } else {
            target = owned ? o.duplicate() : o;
        }
        return new Terms(target, oldCorrect);
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
         * @throws IllegalArgumentException if tau is not finite and &gt; 0, or alpha, beta or lambda
         *     is not finite and &ge; 0
         */
        public FocalDistillationLoss build() {
            if (!(tau > 0) || Float.isInfinite(tau)) {
                throw new IllegalArgumentException(
                        "tau: expected a finite value > 0, got " + tau);
            }
            checkNonNegative("alpha", alpha);
            checkNonNegative("beta", beta);
            checkNonNegative("lambda", lambda);
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
