package dev.pct.core.loss;

import static dev.pct.core.loss.DistillationKernels.CLASS_AXIS;
import static dev.pct.core.loss.DistillationKernels.constant;
import static dev.pct.core.loss.LabelChecks.checkLabelRange;
import static dev.pct.core.loss.LabelChecks.checkLabelShape;
import static dev.pct.core.loss.LabelChecks.checkPerSample;
import static dev.pct.core.loss.LabelChecks.checkRank2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The old model's terms of one {@link FocalDistillationLoss}: the label layouts its {@link
 * FocalDistillationLoss#teacherLabels} makes, as {@link TeacherLabels} (see the loss's class doc), the settings they
 * carry, and the checks that keep labels of one setting out of a loss with another.
 */
final class TeacherTerms {

    private final LossOptions options;
    /** What the general (and LDI) layout's target depends on. */
    private final String generalSettings;
    /** What the soft-target layout depends on, or null when this loss does not make one. */
    private final String softTargetSettings;

    TeacherTerms(LossOptions options) {
        this.options = options;
        this.softTargetSettings =
                options.softTarget()
                        ? "softTarget{distance=KL, tau=1.0, alpha="
                                + options.alpha()
                                + ", beta="
                                + options.beta()
                                + ", lambda="
                                + options.lambda()
                                + ", filter="
                                + options.filter()
                                + ", classReduction="
                                + options.classReduction()
                                + "}"
                        : null;
        this.generalSettings =
                "teacherTarget{distance="
                        + options.distance()
                        + (options.distance() == Distance.KL ? ", tau=" + options.tau() : "")
                        + (options.distance() == Distance.LDI ? ", " + options.ldiSettings() : "")
                        + "}";
    }

    /**
     * The labels of {@link FocalDistillationLoss#teacherLabels(NDArray, NDArray, NDArray, boolean)}.
     */
    TeacherLabels make(NDArray y, NDArray referenceLogits, NDArray oldCorrect, boolean checkRange) {
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
        TeacherLabels result;
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
            if (options.softTarget()) {
                result = softTargetLabels(yCol, terms, n, c);
            } else if (options.distance() == Distance.LDI) {
                result = new TeacherLabels.Ldi(generalSettings, yCol.reshape(n), terms.target, terms.classWeights,
                        terms.oldCorrect);
            } else {
                result = new TeacherLabels.General(generalSettings, yCol.reshape(n), terms.target, terms.oldCorrect);
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
    private TeacherLabels softTargetLabels(NDArray yCol, Terms terms, int n, int c) {
        // The KL target is log q already (the old logits' log-softmax at tau 1): a second log-softmax would
        // change its last bits, and with them every soft-target run's result.
        NDArray logQ = terms.target;
        NDArray q = logQ.exp();
        // q * log q from the log-softmax: finite where q underflows to 0, so no 0 * -inf.
        NDArray selfTerm = q.mul(logQ).sum(CLASS_AXIS);
        float s = options.lambda() * (options.classReduction() == ClassReduction.MEAN ? 1f / c : 1f);
        NDArray a =
                options.filter() == SampleFilter.ALL
                        ? selfTerm.onesLike().muli(s * (options.alpha() + options.beta()))
                        : terms.oldCorrect.mul(options.beta() * s).addi(options.alpha() * s);
        NDArray target = q.muli(a.reshape(n, 1));
        // PyTorch's DJL engine has one-hot with on value 1 only.
        target.addi(yCol.reshape(n).oneHot(c, DataType.FLOAT32));
        return new TeacherLabels.SoftTarget(softTargetSettings, yCol, target, selfTerm.muli(a));
    }

    /** Why plain labels of this many arrays do not fit this loss. */
    String labelCountMessage(NDList labels) {
        return "labels: expected raw [y, oldLogits] or the TeacherLabels of this loss's teacherLabels (restoreLabels"
                + " gives arrays of them back their type after host memory or a data set's batching), got "
                + (labels == null ? "null" : labels.size() + " arrays in a plain NDList");
    }

    /**
     * Gives the arrays of this loss's own teacherLabels, after a trip that kept the arrays but not their type
     * (host memory, a data set's batching), their layout back. Only the count is checked here; {@link
     * FocalDistillationLoss#evaluate} checks the shapes.
     */
    TeacherLabels restore(NDList arrays) {
        if (arrays instanceof TeacherLabels typed) {
            return typed;
        }
        boolean ldi = options.distance() == Distance.LDI;
        int expected = ldi ? 4 : 3;
        if (arrays == null || arrays.size() != expected) {
            throw new IllegalArgumentException("restoreLabels: expected the " + expected + " arrays of this loss's "
                    + (options.softTarget() ? "soft-target" : ldi ? "LDI" : "general") + " teacherLabels, got "
                    + (arrays == null ? "null" : arrays.size() + " arrays"));
        }
        if (options.softTarget()) {
            return new TeacherLabels.SoftTarget(softTargetSettings, arrays.get(0), arrays.get(1), arrays.get(2));
        }
        return ldi
                ? new TeacherLabels.Ldi(generalSettings, arrays.get(0), arrays.get(1), arrays.get(2), arrays.get(3))
                : new TeacherLabels.General(generalSettings, arrays.get(0), arrays.get(1), arrays.get(2));
    }

    /**
     * Checks precomputed labels against this loss: the soft-target layout only of this loss's own settings, the
     * general and LDI layouts of the same distance and target settings (a soft-target loss accepts general
     * labels of KL at tau 1).
     */
    void check(TeacherLabels labels) {
        if (labels instanceof TeacherLabels.SoftTarget) {
            if (!options.softTarget()) {
                throw new IllegalArgumentException(
                        "labels: the soft-target layout of teacherLabels of a loss with KL, tau 1 and filter"
                                + " OLD_CORRECT or ALL (these: " + labels.settings() + "), but this loss has "
                                + options.describe() + ": pass [y, oldLogits] or this loss's teacherLabels");
            }
            requireSettings(labels, softTargetSettings);
        } else {
            requireSettings(labels, generalSettings);
        }
    }

    private static void requireSettings(TeacherLabels labels, String expected) {
        if (!labels.settings().equals(expected)) {
            throw new IllegalArgumentException(
                    "labels[1]: " + labels.layout() + " labels made by teacherLabels of a loss with "
                            + labels.settings()
                            + ", but this loss expects "
                            + expected
                            + ": make the labels with this loss's teacherLabels");
        }
    }

    /**
     * The general layout's per-sample arrays: the distance's target, the old-correct mask and, for LDI
     * only (else null), the class weights {@code s_i * 1[c in S_i]}.
     */
    record Terms(NDArray target, NDArray oldCorrect, NDArray classWeights) {}

    /**
     * Target, old-correct mask and (LDI) class weights from old logits; yCol is int64 of shape (N, 1).
     * With {@code owned}, the target is a new array even where it equals the old logits, and the class
     * weights are a full N×C array.
     */
    Terms terms(NDArray yCol, NDArray oldLogits, int n, boolean owned) {
        NDArray o = oldLogits.stopGradient();
        NDArray oldCorrect = o.argMax(1).eq(yCol.reshape(n)).toType(DataType.FLOAT32, false);
        if (o.getDataType() != DataType.FLOAT32) {
            o = o.toType(DataType.FLOAT32, false);
        }
        NDArray target;
        if (options.distance() == Distance.KL) {
            // log q, the old logits' log-softmax at tau: a new array, computed once per sample.
            target = (options.tau() == 1f ? o : o.mul(constant(o, 1f / options.tau()))).logSoftmax(1);
        } else {
            target = owned ? o.duplicate() : o;
        }
        int c = Math.toIntExact(o.getShape().get(1));
        NDArray classWeights = options.distance() == Distance.LDI ? classWeights(yCol, target, n, c, owned) : null;
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
        boolean mean = options.classReduction() == ClassReduction.MEAN;
        if (!options.excludeTrueClass() && (options.topK() == 0 || options.topK() >= c)) {
            // Every class: |S_i| = C.
            float value = mean ? 1f / c : 1f;
            return full
                    ? r.getManager().full(r.getShape(), value, DataType.FLOAT32, r.getDevice())
                    : constant(r, value);
        }
        int candidates = options.excludeTrueClass() ? c - 1 : c;
        NDArray isTrue = options.excludeTrueClass() ? yCol.reshape(n).oneHot(c, DataType.FLOAT32) : null;
        if (options.topK() == 0 || options.topK() >= candidates) {
            // Every class but the true one: |S_i| = C - 1 (none when C = 1, so D_i = 0).
            NDArray selected = constant(r, 1f).sub(isTrue);
            return mean ? selected.muli(constant(r, 1f / Math.max(candidates, 1))) : selected;
        }
        NDArray scores = r;
        NDArray notTrue = null;
        if (options.excludeTrueClass()) {
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
        NDArray kth = scores.topK(options.topK(), 1, true, false).get(0).min(CLASS_AXIS, true);
        NDArray chosen = scores.gte(kth);
        if (notTrue != null) {
            chosen = chosen.logicalAnd(notTrue); // only matters when r holds -inf itself
        }
        NDArray selected = chosen.toType(DataType.FLOAT32, false);
        return mean ? selected.divi(selected.sum(CLASS_AXIS, true).maximum(constant(r, 1f))) : selected;
    }

    /** LDI's top k must not exceed the number of classes (host metadata only). */
    void checkTopK(String what, Shape logits) {
        if (options.distance() == Distance.LDI && options.topK() > logits.get(1)) {
            throw new IllegalArgumentException(
                    "topK: "
                            + options.topK()
                            + " exceeds the "
                            + logits.get(1)
                            + " classes of "
                            + what
                            + " "
                            + logits
                            + ": expected topK <= C (0 = every class)");
        }
    }
}
