package dev.pct.train.config;

/**
 * How one model is trained: epochs, batch size, optimizer, learning-rate schedule and regularization.
 *
 * @param epochs passes over the training set; an integer &gt;= 1, default 10
 * @param batchSize samples per step; YAML {@code batch_size}, an integer &gt;= 1, default 128
 * @param optimizer optimizer type and its constants
 * @param learningRate peak learning rate (after warm-up); YAML {@code learning_rate}, a number &gt; 0,
 *     default 0.05
 * @param schedule learning-rate schedule
 * @param weightDecay L2 weight decay coefficient; YAML {@code weight_decay}, a number &gt;= 0, default 5e-4
 * @param gradClipNorm clip gradients to this global L2 norm; YAML {@code grad_clip_norm}, 0 = off (default),
 *     else a number &gt; 0. A guard against the divergence seen with large distillation weights (GUIDE 3c)
 * @param logEverySteps log loss and throughput every this many steps; YAML {@code log_every_steps}, an
 *     integer &gt;= 0, 0 = only per epoch; default 50
 * @param checkpointEveryEpochs save the model every this many epochs; YAML {@code checkpoint_every_epochs},
 *     an integer &gt;= 0, 0 = only the final model; default 1
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        OptimizerConfig optimizer,
        double learningRate,
        ScheduleConfig schedule,
        double weightDecay,
        double gradClipNorm,
        int logEverySteps,
        int checkpointEveryEpochs) {

    /**
     * Returns the defaults: 10 epochs of batch 128, Nesterov SGD at 0.05 with cosine decay and 1 warm-up
     * epoch, weight decay 5e-4, no clipping.
     *
     * @return the default training settings
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(10, 128, OptimizerConfig.defaults(), 0.05, ScheduleConfig.defaults(), 5e-4, 0.0,
                50, 1);
    }
}
