package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The loss of one {@link FocalDistillationLoss} on the label layouts of {@link TeacherTerms}: cross-entropy
 * through autograd and each distance's value with its gradient (see the loss's class doc, "Speed and
 * precision"). Every constant on a path that autograd records is an array the engine owns.
 */
final class DistillationKernels {

    /**
     * Up to this many logits (N·C) the soft-target loss is a row product, a row sum and a mean (five
     * native calls); above, one inner product of flattened views, which writes no N×C product.
     */
    private static final long SMALL_SOFT_TARGET = 1L << 16;

    /** The class axis of (N, C) logits, for reductions over classes. */
    static final int[] CLASS_AXIS = {1};

    private final LossOptions options;
    /** The hot path's scalar constants, made once (see {@link EngineConstants}). */
    private final EngineConstants constants = new EngineConstants();

    DistillationKernels(LossOptions options) {
        this.options = options;
    }

    /**
     * The loss on the soft-target layout: {@code L = mean_i (k_i - sum_c t_ic log p_ic)}; log-softmax's
     * backward gives {@code (p * sum_c t_c - t) / N}, the exact gradient.
     */
    LossParts softTarget(NDArray z, NDArray yCol, NDArray target, NDArray selfConstant, int n,
            boolean withParts) {
        NDArray logP = z.logSoftmax(1);
        NDArray loss;
        if ((long) n * target.getShape().get(1) <= SMALL_SOFT_TARGET) {
            loss = selfConstant.sub(logP.mul(target).sum(CLASS_AXIS)).mean();
        } else {
            // One inner product of the flattened views: reads both once and writes no N×C product.
            NDArray cross = logP.reshape(-1).dot(target.reshape(-1));
            loss = selfConstant.mean().sub(cross.mul(constants.of(z, 1f / n)));
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
    LossParts general(NDArray z, NDArray yCol, TeacherTerms.Terms terms, int n, int c, boolean withParts) {
        NDArray logP = z.logSoftmax(1);
        NDArray crossEntropy = logP.gather(yCol, 1).mean().neg();
        if (options.lambda() == 0f) {
            return new LossParts(crossEntropy, withParts ? crossEntropy.stopGradient() : null,
                    withParts ? crossEntropy.stopGradient().zerosLike() : null);
        }
        NDArray distillation = distillation(z, logP, yCol, terms, n, c);
        NDArray loss = crossEntropy.add(distillation);
        return withParts
                ? new LossParts(loss, crossEntropy.stopGradient(), distillation.stopGradient())
                : new LossParts(loss, null, null);
    }

    /**
     * The distillation term alone, {@code lambda * mean_i w_i D(z_i, o_i)} with its gradient, for every distance
     * (see {@link #general}); {@code logP} is the log-softmax of {@code z} at tau 1, or null to compute it where
     * the distance needs it (KL at tau 1).
     */
    NDArray distillation(NDArray z, NDArray logP, NDArray yCol, TeacherTerms.Terms terms, int n, int c) {
        float perClass = options.classReduction() == ClassReduction.MEAN ? 1f / c : 1f;
        NDArray zd = z.stopGradient();
        if (options.distance() == Distance.KL) {
            return kl(z, zd, logP == null && options.tau() == 1f ? z.logSoftmax(1) : logP, yCol, terms, n, perClass);
        }
        if (options.distance() == Distance.LOGIT_MATCHING) {
            return logitMatching(z, zd, yCol, terms, n, perClass);
        }
        return ldi(z, zd, yCol, terms, n, c);
    }

    /**
     * {@code lambda * sum_i w_i tau^2 s KL(q_i || pT_i) / N} with the target {@code log q} (the old logits'
     * log-softmax at tau). Its gradient is {@code lambda w_i tau s (pT - q) / N}: through autograd, the
     * tempered log-softmax's fused backward of {@code -sum q log pT}; at tau &gt; 1 the value comes from
     * {@link #preciseKl}, which needs the same {@code log pT}.
     */
    private NDArray kl(NDArray z, NDArray zd, NDArray logP, NDArray yCol, TeacherTerms.Terms terms, int n, float perClass) {
        float tau = options.tau();
        NDArray weights = weights(zd, yCol, terms.oldCorrect(), options.lambda() * tau * tau * perClass / n, n);
        NDArray logQ = terms.target();
        NDArray q = logQ.exp();
        NDArray logPT = tau == 1f ? logP : z.mul(constants.of(z, 1f / tau)).logSoftmax(1);
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
     * the scaled difference itself, and the value is half its inner product with the difference.
     */
    private NDArray logitMatching(NDArray z, NDArray zd, NDArray yCol, TeacherTerms.Terms terms, int n, float perClass) {
        NDArray weights = weights(zd, yCol, terms.oldCorrect(), options.lambda() * perClass / n, n);
        NDArray difference = zd.sub(terms.target());
        NDArray gradient = difference.mul(column(weights, n));
        // sum_i a_i ||d_i||^2 / 2 = <d, gradient> / 2: no N×C square and no row sums.
        NDArray value = difference.reshape(-1).dot(gradient.reshape(-1)).mul(constants.of(zd, 0.5f));
        return withGradient(z, value, gradient);
    }

    /**
     * LDI: {@code sum_i a_i sum_c k_ic h_ic^p} with {@code h = max(|z - r| - margin, 0)}, class weights
     * {@code k} and {@code a_i = lambda w_i / N}. The gradient in closed form is {@code a_i k_ic p h^(p-1)
     * sign(z - r)}; at p = 1 the factor {@code h^0} is {@code (sign(|z - r| - margin) + 1) / 2}, 1 above the
     * margin, 0 below and one half on it, the subgradient autograd's {@code maximum} gives at a tie (see the
     * class doc).
     */
    private NDArray ldi(NDArray z, NDArray zd, NDArray yCol, TeacherTerms.Terms terms, int n, int c) {
        // Every class (with the true one): the class weights are the constant s, folded into the sample
        // weights instead of multiplying two N×C arrays by an array of equal entries.
        boolean everyClass = !options.excludeTrueClass() && (options.topK() == 0 || options.topK() >= c);
        float perClass = everyClass && options.classReduction() == ClassReduction.MEAN ? 1f / c : 1f;
        NDArray classWeights = everyClass ? null : terms.classWeights();
        NDArray difference = zd.sub(terms.target());
        if (options.power() == 2f) {
            // h sign(z - r) is the soft threshold u = d - clip(d, -margin, margin), so h^2 = u^2 and the
            // slope is 2 a k u, with the 2 folded into the sample weights. The value sum a k u^2 is then
            // half the inner product <u, slope>: no N×C square and no row sums.
            NDArray weights = weights(zd, yCol, terms.oldCorrect(), 2f * options.lambda() * perClass / n, n);
            float margin = options.margin();
            NDArray u = margin == 0f
                    ? difference
                    : difference.subi(difference.minimum(constants.of(zd, margin))
                            .maximum(constants.of(zd, -margin)));
            NDArray slope = classWeights == null
                    ? u.mul(column(weights, n))
                    : u.mul(classWeights).muli(column(weights, n));
            NDArray value = u.reshape(-1).dot(slope.reshape(-1)).mul(constants.of(zd, 0.5f));
            return withGradient(z, value, slope);
        }
        NDArray weights = weights(zd, yCol, terms.oldCorrect(), options.lambda() * perClass / n, n);
        NDArray penalty;
        NDArray slope;
        NDArray sign = difference.sign();
        NDArray excess = difference.abs();
        if (options.margin() != 0f) {
            excess.subi(constants.of(zd, options.margin()));
        }
        NDArray hinge = excess.maximum(constants.of(zd, 0f));
        if (options.power() == 1f) {
            penalty = hinge;
            slope = excess.sign().addi(constants.of(zd, 1f)).muli(constants.of(zd, 0.5f)).muli(sign);
        } else {
            NDArray lower = hinge.pow(constants.of(zd, options.power() - 1f));
            penalty = lower.mul(hinge);
            slope = lower.muli(constants.of(zd, options.power())).muli(sign);
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
     * Per-sample {@code KL(q || pT)} (N) from the log-ratios {@code r = log pT - log q}, exact to float32
     * where the direct form {@code -sum_c q_c r_c} loses the digits that matter (see the class doc): {@code
     * KL = sum_c q_c (expm1(r_c) - r_c)}, because {@code sum_c q_c e^r_c = sum_c pT_c = 1}. Every term is
     * at least 0, so no sum cancels, and {@code q expm1(r) = tanh(r/2) (q + pT)} is exact for small r and
     * finite for any (tanh is bounded, {@code q + pT <= 2}).
     *
     * @param logPT the new logits' log-softmax at tau, detached
     * @param logQ the old logits' log-softmax at tau
     * @param q its softmax
     */
    private NDArray preciseKl(NDArray logPT, NDArray logQ, NDArray q) {
        NDArray r = logPT.sub(logQ);
        NDArray linear = q.mul(r);
        NDArray qExpm1 = r.muli(constants.of(r, 0.5f)).tanh().muli(logPT.exp().addi(q));
        return rowSums(qExpm1.subi(linear));
    }

    /**
     * The sample weights times {@code scale}: an (N) array, or a scalar when they are the constant
     * alpha + beta. Arg-max results carry no gradient, so the weights are constants.
     */
    private NDArray weights(NDArray z, NDArray yCol, NDArray oldCorrect, float scale, int n) {
        NDArray indicator;
        switch (options.filter()) {
            case ALL:
                return constants.of(z, (options.alpha() + options.beta()) * scale);
            case OLD_CORRECT:
                indicator = oldCorrect;
                break;
            case OLD_INCORRECT:
                // alpha + beta (1 - c) = (alpha + beta) - beta c: one product and one sum, as for old_correct.
                return oldCorrect.mul(constants.of(z, -options.beta() * scale))
                        .addi(constants.of(z, (options.alpha() + options.beta()) * scale));
            case NEW_INCORRECT:
                indicator = newIncorrect(z, yCol, n);
                break;
            case NEGATIVE_FLIP:
                indicator = oldCorrect.mul(newIncorrect(z, yCol, n));
                break;
            default:
                throw new AssertionError("unknown filter " + options.filter());
        }
        NDArray weights = indicator.mul(constants.of(z, options.beta() * scale));
        return options.alpha() == 0f ? weights : weights.addi(constants.of(z, options.alpha() * scale));
    }

    private static NDArray newIncorrect(NDArray z, NDArray yCol, int n) {
        return z.argMax(1).neq(yCol.reshape(n)).toType(DataType.FLOAT32, false);
    }

    /** A scalar constant the engine owns, on the device and of the type of {@code like}. */
    static NDArray constant(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType(), like.getDevice());
    }
}
