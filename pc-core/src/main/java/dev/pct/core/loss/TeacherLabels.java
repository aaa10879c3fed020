package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The old model's terms for a batch, precomputed by {@link FocalDistillationLoss#teacherLabels} (or given back by
 * {@link FocalDistillationLoss#restoreLabels} after a trip through host memory) in one of three layouts, each its
 * own type: the loss tells them apart by type, never by array shapes or names. They are an {@link NDList} of the
 * layout's arrays, sample dimension first, so that they batch and slice like labels, and they carry the loss
 * settings they depend on, so that a loss configured otherwise refuses them.
 */
public abstract sealed class TeacherLabels extends NDList
        permits TeacherLabels.SoftTarget, TeacherLabels.General, TeacherLabels.Ldi {

    private static final long serialVersionUID = 1L;

    /** The settings the arrays depend on, as the loss that made them describes them. */
    private final String settings;

    private TeacherLabels(String settings, NDArray... arrays) {
        super(arrays);
        this.settings = settings;
    }

    /**
     * The loss settings these labels depend on, e.g. {@code teacherTarget{distance=KL, tau=4.0}}.
     *
     * @return the description
     */
    public String settings() {
        return settings;
    }

    /**
     * The true classes, int64: of shape (N, 1) in the soft-target layout, (N) in the others.
     *
     * @return y
     */
    public NDArray y() {
        return get(0);
    }

    /**
     * The layout's name, for messages.
     *
     * @return e.g. {@code "soft-target"}
     */
    abstract String layout();

    /**
     * The soft target of KL at tau 1 with fixed weights: {@code [y (N, 1), t (N×C), k (N)]} with {@code t_i = e_y_i
     * + a_i q_i} and {@code k_i = a_i sum_c q_ic log q_ic} (see the loss's class doc).
     */
    public static final class SoftTarget extends TeacherLabels {
        private static final long serialVersionUID = 1L;

        SoftTarget(String settings, NDArray y, NDArray target, NDArray selfConstant) {
            super(settings, y, target, selfConstant);
        }

        /**
         * The combined target {@code t}.
         *
         * @return (N×C)
         */
        public NDArray target() {
            return get(1);
        }

        /**
         * The per-sample constant {@code k}.
         *
         * @return (N)
         */
        public NDArray selfConstant() {
            return get(2);
        }

        @Override
        String layout() {
            return "soft-target";
        }
    }

    /**
     * The general layout of KL and logit matching: {@code [y (N), target (N×C), oldCorrect (N)]}, the target being
     * {@code log softmax(o / tau)} for KL and {@code o} for logit matching.
     */
    public static final class General extends TeacherLabels {
        private static final long serialVersionUID = 1L;

        General(String settings, NDArray y, NDArray target, NDArray oldCorrect) {
            super(settings, y, target, oldCorrect);
        }

        /**
         * The distance's target.
         *
         * @return (N×C)
         */
        public NDArray target() {
            return get(1);
        }

        /**
         * {@code 1[argmax o_i == y_i]} as float 0/1.
         *
         * @return (N)
         */
        public NDArray oldCorrect() {
            return get(2);
        }

        @Override
        String layout() {
            return "general";
        }
    }

    /**
     * LDI's layout: {@code [y (N), r (N×C), classWeights (N×C), oldCorrect (N)]}.
     */
    public static final class Ldi extends TeacherLabels {
        private static final long serialVersionUID = 1L;

        Ldi(String settings, NDArray y, NDArray reference, NDArray classWeights, NDArray oldCorrect) {
            super(settings, y, reference, classWeights, oldCorrect);
        }

        /**
         * The reference logits.
         *
         * @return (N×C)
         */
        public NDArray reference() {
            return get(1);
        }

        /**
         * The class set as weights {@code s_i * 1[c in S_i]}.
         *
         * @return (N×C)
         */
        public NDArray classWeights() {
            return get(2);
        }

        /**
         * {@code 1[argmax o_i == y_i]} as float 0/1.
         *
         * @return (N)
         */
        public NDArray oldCorrect() {
            return get(3);
        }

        @Override
        String layout() {
            return "LDI";
        }
    }
}
