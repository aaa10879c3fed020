package dev.pct.train.optim;

import dev.pct.train.check.Checks;
import dev.pct.train.check.SettingProblem;
import java.util.List;

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

    /**
     * Returns the values that fail their checks (those above), whatever the type uses.
     *
     * @param path the section's path for the keys, e.g. {@code training.optimizer}
     * @return the problems, empty when every value is valid
     */
    public List<SettingProblem> problems(String path) {
        Checks checks = new Checks(path);
        checks.when(type == null, "type", null, "one of sgd, nesterov, adam");
        return checks.unitInterval("momentum", momentum).unitInterval("beta1", beta1).unitInterval("beta2", beta2)
                .positive("epsilon", epsilon).problems();
    }
}
