package dev.pct.train.optim;


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
}
