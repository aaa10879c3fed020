package dev.pct.train.optim;

import dev.pct.train.check.Checks;
import dev.pct.train.check.SettingProblem;
import java.util.List;

/**
 * Learning-rate schedule: a linear warm-up followed by constant, step or cosine decay.
 *
 * @param type one of {@code constant, step, cosine}; default cosine
 * @param warmupEpochs epochs of linear warm-up from near 0 to the learning rate; YAML {@code warmup_epochs},
 *     an integer &gt;= 0 and &lt;= {@code epochs}, default 1. Warm-up tames the first steps of large-lr SGD
 * @param stepEpochs for {@code step}: epochs between decays; YAML {@code step_epochs}, an integer &gt;= 1,
 *     default 10
 * @param gamma for {@code step}: factor applied at each decay; a number in (0, 1], default 0.1
 * @param minLearningRate for {@code cosine}: the rate reached at the last epoch; YAML
 *     {@code min_learning_rate}, a number &gt;= 0 and &lt;= the learning rate, default 0
 */
public record ScheduleSettings(
        LearningRateSchedule.Type type, int warmupEpochs, int stepEpochs, double gamma, double minLearningRate) {

    /**
     * Returns the defaults: cosine decay to 0 after one warm-up epoch.
     *
     * @return the default schedule
     */
    public static ScheduleSettings defaults() {
        return new ScheduleSettings(LearningRateSchedule.Type.COSINE, 1, 10, 0.1, 0.0);
    }

    /**
     * Returns the values that fail their checks (those above), whatever the type uses; the warm-up and the least
     * rate are bounded by the training's epochs and learning rate.
     *
     * @param path the section's path for the keys, e.g. {@code training.schedule}
     * @param epochs the training's epochs
     * @param epochsKey their key, for the message
     * @param learningRate the training's peak learning rate
     * @param learningRateKey its key, for the message
     * @return the problems, empty when every value is valid
     */
    public List<SettingProblem> problems(String path, int epochs, String epochsKey, double learningRate,
            String learningRateKey) {
        Checks checks = new Checks(path);
        checks.when(type == null, "type", null, "one of constant, step, cosine");
        // Equal is allowed so that a one-epoch run keeps the default warm-up of one epoch.
        checks.when(warmupEpochs < 0 || warmupEpochs > epochs, "warmup_epochs", warmupEpochs,
                "an integer >= 0 and <= " + epochsKey + " (" + epochs + ")");
        checks.atLeast("step_epochs", stepEpochs, 1);
        checks.when(!(gamma > 0 && gamma <= 1), "gamma", gamma, "a number > 0 and <= 1");
        checks.when(!(minLearningRate >= 0 && minLearningRate <= learningRate), "min_learning_rate", minLearningRate,
                "a number >= 0 and <= " + learningRateKey + " (" + learningRate + ")");
        return checks.problems();
    }
}
