package dev.pct.train.optim;


/**
 * Optimizer settings; values that the chosen {@code type} does not use are ignored.
 *
 * @param type one of {@code sgd, nesterov, adam}; default nesterov (what the independent Fashion-MNIST run used)
 * @param momentum momentum of sgd and nesterov; a number in [0, 1), default 0.9
 * @param beta1 Adam's first-moment decay; a number in [0, 1), default 0.9
 * @param beta2 Adam's second-moment decay; a number in [0, 1), default 0.999
 * @param epsilon Adam's denominator guard; a number &gt; 0, default 1e-8
 */
public record OptimizerSettings(PcOptimizer.Kind type, double momentum, double beta1, double beta2, double epsilon) {

    /**
     * Returns the defaults: Nesterov momentum 0.9 (Adam values at their usual defaults).
     *
     * @return the default optimizer
     */
    public static OptimizerSettings defaults() {
        return new OptimizerSettings(PcOptimizer.Kind.NESTEROV, 0.9, 0.9, 0.999, 1e-8);
    }
}
