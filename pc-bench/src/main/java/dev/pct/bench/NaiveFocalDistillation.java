package dev.pct.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;

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
 * LDI: D = sum_c max(|z_c - o_c| - margin, 0)^p
 * </pre>
 *
 * (Yan et al., "Positive-Congruent Training: Towards Regression-Free Model Updates", CVPR 2021,
 * <a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>; LDI from ELODI, Zhao et al., TPAMI
 * 2024, over every class), with the old-correct sample filter and the sum over classes. Every step is its own operator (about twenty of them, each a
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
    private final float margin;
    private final float power;

    /**
     * Makes the yardstick for the same loss as a {@link FocalDistillationLoss}, whose builder has checked
     * the values. Only the paper's configuration is composed here: the old-correct filter and the sum over
     * classes, and for LDI every class with the true one included.
     *
     * @param settings the loss whose alpha, beta, tau, lambda, distance, margin and power to use
     * @throws IllegalArgumentException if the settings use another filter or class reduction, or LDI over
     *     a subset of the classes
     */
    public NaiveFocalDistillation(FocalDistillationLoss settings) {
        super("NaiveFocalDistillation");
        if (settings.getDistance() == Distance.LDI && (settings.getTopK() != 0 || settings.isExcludeTrueClass())) {
            throw new IllegalArgumentException("the naive yardstick composes LDI over every class only, got top k "
                    + settings.getTopK() + " and excludeTrueClass " + settings.isExcludeTrueClass());
        }
        if (settings.getFilter() != SampleFilter.OLD_CORRECT || settings.getClassReduction() != ClassReduction.SUM) {
            throw new IllegalArgumentException("the naive yardstick composes filter OLD_CORRECT with class reduction "
                    + "SUM only, got " + settings.getFilter() + " and " + settings.getClassReduction());
        }
        this.alpha = settings.getAlpha();
        this.beta = settings.getBeta();
        this.tau = settings.getTau();
        this.lambda = settings.getLambda();
        this.distance = settings.getDistance();
        this.margin = settings.getMargin();
        this.power = settings.getPower();
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

        // Constants on the gradient path are arrays the engine owns: a Java number would be a scalar
        // wrapping a Java buffer that the garbage collector may free before backward reads it.
        NDArray d;
        if (distance == Distance.KL) {
            NDArray logP = z.div(constant(z, tau)).logSoftmax(1);
            NDArray logQ = o.div(constant(z, tau)).logSoftmax(1);
            NDArray q = logQ.exp();
            d = q.mul(logQ.sub(logP)).sum(new int[] {1}).mul(constant(z, tau * tau));
        } else if (distance == Distance.LOGIT_MATCHING) {
            d = z.sub(o).square().sum(new int[] {1}).mul(constant(z, 0.5f));
        } else {
            NDArray hinge = z.sub(o).abs().sub(constant(z, margin)).maximum(constant(z, 0f));
            d = hinge.pow(constant(z, power)).sum(new int[] {1});
        }
        NDArray oldCorrect = o.argMax(1).eq(y).toType(DataType.FLOAT32, false);
        NDArray weights = oldCorrect.mul(beta).add(alpha);
        NDArray distillation = weights.mul(d).mean().mul(constant(z, lambda));
        return crossEntropy.add(distillation);
    }

    private static NDArray constant(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
    }
}
