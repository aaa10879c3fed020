package dev.pct.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;
import dev.pct.core.loss.Distance;

/**
 * The focal distillation loss of positive-congruent training written as the straightforward
 * composition of DJL operators, differentiated by autograd: the yardstick that the benchmarks hold
 * {@link dev.pct.core.loss.FocalDistillationLoss} against.
 *
 * <p>It computes, for new logits {@code z} (N×C), labels {@code y} and old logits {@code o},
 *
 * <pre>
 * L = mean_i CE(z_i, y_i) + lambda * mean_i w_i * D(z_i, o_i),   w_i = alpha + beta * 1[argmax o_i == y_i]
 * KL:  D = tau^2 * sum_c q_c (log q_c - log p_c),  q = softmax(o / tau), p = softmax(z / tau)
 * LM:  D = 1/2 * sum_c (z_c - o_c)^2
 * </pre>
 *
 * (Yan et al., "Positive-Congruent Training: Towards Regression-Free Model Updates", CVPR 2021,
 * <a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>), with the old-correct sample
 * filter and the sum over classes. Every step is its own operator (about twenty of them, each a
 * pass over memory and a node in the autograd graph), and the old model's terms are recomputed on
 * every call: that is the cost the closed-form loss in pc-core removes.
 *
 * <p>Labels are {@code [y, oldLogits]} ({@code y} integer class indices, any numeric data type),
 * predictions {@code [z]}; {@link #evaluate} returns a scalar. Run it inside a {@link
 * ai.djl.training.GradientCollector} to get the gradient with respect to {@code z}.
 */
public final class NaiveFocalDistillation extends Loss {

    private final float alpha;
    private final float beta;
    private final float tau;
    private final float lambda;
    private final Distance distance;

    private NaiveFocalDistillation(Builder builder) {
        super("NaiveFocalDistillation");
        this.alpha = builder.alpha;
        this.beta = builder.beta;
        this.tau = builder.tau;
        this.lambda = builder.lambda;
        this.distance = builder.distance;
    }

    /**
     * Creates a builder for the naive loss.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        if (labels.size() != 2) {
            throw new IllegalArgumentException(
                    "labels: expected [y, oldLogits] (2 arrays), got " + labels.size());
        }
        NDArray z = predictions.singletonOrThrow();
        NDArray y = labels.get(0).toType(DataType.INT64, false);
        NDArray o = labels.get(1);

        NDArray crossEntropy =
                z.logSoftmax(1).get(new NDIndex().addAllDim(1).addPickDim(y)).neg().mean();

        NDArray d;
        if (distance == Distance.KL) {
            NDArray logP = z.div(tau).logSoftmax(1);
            NDArray logQ = o.div(tau).logSoftmax(1);
            NDArray q = logQ.exp();
            d = q.mul(logQ.sub(logP)).sum(new int[] {1}).mul(tau * tau);
        } else {
            d = z.sub(o).square().sum(new int[] {1}).mul(0.5f);
        }
        NDArray oldCorrect = o.argMax(1).eq(y).toType(DataType.FLOAT32, false);
        NDArray weights = oldCorrect.mul(beta).add(alpha);
        NDArray distillation = weights.mul(d).mean().mul(lambda);
        return crossEntropy.add(distillation);
    }

    /** The builder of {@link NaiveFocalDistillation}; every value has the default named. */
    public static final class Builder {
        private float alpha = 1f;
        private float beta = 5f;
        private float tau = 1f;
        private float lambda = 1f;
        private Distance distance = Distance.KL;

        private Builder() {}

        /**
         * Sets alpha, the weight of every sample in the distillation term (default 1).
         *
         * @param alpha the base weight, at least 0
         * @return this builder
         */
        public Builder optAlpha(float alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * Sets beta, the extra weight of samples the old model classifies correctly (default 5).
         *
         * @param beta the focal weight, at least 0
         * @return this builder
         */
        public Builder optBeta(float beta) {
            this.beta = beta;
            return this;
        }

        /**
         * Sets tau, the softmax temperature of the KL distance (default 1; unused by logit
         * matching).
         *
         * @param tau the temperature, greater than 0
         * @return this builder
         */
        public Builder optTau(float tau) {
            this.tau = tau;
            return this;
        }

        /**
         * Sets lambda, the weight of the distillation term against cross-entropy (default 1).
         *
         * @param lambda the distillation weight, at least 0
         * @return this builder
         */
        public Builder optLambda(float lambda) {
            this.lambda = lambda;
            return this;
        }

        /**
         * Sets the distance between new and old outputs (default {@link Distance#KL}).
         *
         * @param distance KL or logit matching
         * @return this builder
         */
        public Builder optDistance(Distance distance) {
            this.distance = distance;
            return this;
        }

        /**
         * Builds the loss.
         *
         * @return the naive loss
         * @throws IllegalArgumentException if a value is out of range
         */
        public NaiveFocalDistillation build() {
            if (!(alpha >= 0f) || !(beta >= 0f) || !(lambda >= 0f)) {
                throw new IllegalArgumentException(
                        "alpha, beta, lambda: expected >= 0, got alpha=" + alpha + ", beta=" + beta
                                + ", lambda=" + lambda);
            }
            if (!(tau > 0f)) {
                throw new IllegalArgumentException("tau: expected > 0, got " + tau);
            }
            if (distance != Distance.KL && distance != Distance.LOGIT_MATCHING) {
                throw new IllegalArgumentException(
                        "distance: expected KL or LOGIT_MATCHING, got " + distance);
            }
            return new NaiveFocalDistillation(this);
        }
    }
}
