package dev.pct.train.loop;

import dev.pct.train.check.Checks;
import dev.pct.train.check.SettingProblem;
import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.OptimizerSettings;
import dev.pct.train.optim.ScheduleSettings;
import java.util.List;

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
public record TrainingSettings(
        int epochs,
        int batchSize,
        OptimizerSettings optimizer,
        double learningRate,
        ScheduleSettings schedule,
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
    public static TrainingSettings defaults() {
        return new TrainingSettings(10, 128, OptimizerSettings.defaults(), 0.05, ScheduleSettings.defaults(), 5e-4, 0.0,
                50, 1);
    }

    /**
     * Returns a builder that starts from {@link #defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /**
     * Returns the values that fail their checks (those above, and the optimizer's and the schedule's), each under
     * its job-file key.
     *
     * @param path the section's path for the keys: {@code training}, {@code old_model.training}
     * @return the problems, empty when every value is valid
     */
    public List<SettingProblem> problems(String path) {
        Checks checks = new Checks(path)
                .atLeast("epochs", epochs, 1)
                .atLeast("batch_size", batchSize, 1)
                .positive("learning_rate", learningRate)
                .atLeast("weight_decay", weightDecay, 0)
                .atLeast("grad_clip_norm", gradClipNorm, 0)
                .atLeast("log_every_steps", logEverySteps, 0)
                .atLeast("checkpoint_every_epochs", checkpointEveryEpochs, 0);
        if (optimizer == null) {
            checks.fail("optimizer", null, "a mapping with keys type, momentum, ...");
        } else {
            checks.addAll(optimizer.problems(checks.key("optimizer")));
        }
        if (schedule == null) {
            checks.fail("schedule", null, "a mapping with keys type, warmup_epochs, ...");
        } else {
            checks.addAll(schedule.problems(checks.key("schedule"), epochs, checks.key("epochs"), learningRate,
                    checks.key("learning_rate")));
        }
        return checks.problems();
    }

    /**
     * Returns these settings when every value is valid.
     *
     * @return these settings
     * @throws IllegalArgumentException naming the first of {@link #problems(String) problems("training")}
     */
    public TrainingSettings checked() {
        SettingProblem.refuse(this, problems("training"));
        return this;
    }

    /**
     * Returns a copy that clips gradients at another global norm.
     *
     * @param norm the norm, 0 for no clipping
     * @return the copy
     */
    public TrainingSettings withGradClipNorm(double norm) {
        return new Builder(this).optGradClipNorm(norm).build();
    }

    /**
     * Returns the number of steps of one epoch over a training set.
     *
     * @param trainSize the number of training samples
     * @return steps per epoch (a last batch of fewer than 2 samples is dropped, as batch norm needs 2)
     */
    public int stepsPerEpoch(int trainSize) {
        return trainSize / batchSize + (trainSize % batchSize >= 2 ? 1 : 0);
    }

    /**
     * Returns the learning-rate schedule for a training set of some size.
     *
     * @param trainSize the number of training samples
     * @return the schedule over all steps of all epochs
     */
    public LearningRateSchedule scheduleFor(int trainSize) {
        long perEpoch = stepsPerEpoch(trainSize);
        long total = Math.max(1, perEpoch * epochs);
        long warmup = Math.min(total - 1, Math.round(schedule.warmupEpochs() * (double) perEpoch));
        long stepSize = Math.max(1, (long) schedule.stepEpochs() * perEpoch);
        return new LearningRateSchedule(schedule.type(), learningRate, warmup, total, stepSize, schedule.gamma(),
                Math.min(schedule.minLearningRate(), learningRate));
    }

    /** Builds a {@link TrainingSettings} for code that trains without a job file; unset values keep their defaults. */
    public static final class Builder {
        private int epochs;
        private int batchSize;
        private OptimizerSettings optimizer;
        private double learningRate;
        private ScheduleSettings schedule;
        private double weightDecay;
        private double gradClipNorm;
        private int logEverySteps;
        private int checkpointEveryEpochs;

        private Builder(TrainingSettings from) {
            epochs = from.epochs;
            batchSize = from.batchSize;
            optimizer = from.optimizer;
            learningRate = from.learningRate;
            schedule = from.schedule;
            weightDecay = from.weightDecay;
            gradClipNorm = from.gradClipNorm;
            logEverySteps = from.logEverySteps;
            checkpointEveryEpochs = from.checkpointEveryEpochs;
        }

        /**
         * Sets the number of epochs.
         *
         * @param epochs passes over the training set, &gt;= 1
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param batchSize samples per step, &gt;= 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the optimizer.
         *
         * @param optimizer the optimizer's type and constants
         * @return this builder
         */
        public Builder optOptimizer(OptimizerSettings optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Sets the peak learning rate.
         *
         * @param learningRate the rate after warm-up, &gt; 0
         * @return this builder
         */
        public Builder optLearningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the learning-rate schedule.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder optSchedule(ScheduleSettings schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the L2 weight decay.
         *
         * @param weightDecay the coefficient, &gt;= 0
         * @return this builder
         */
        public Builder optWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets gradient clipping by global norm.
         *
         * @param gradClipNorm the largest global norm, 0 for none
         * @return this builder
         */
        public Builder optGradClipNorm(double gradClipNorm) {
            this.gradClipNorm = gradClipNorm;
            return this;
        }

        /**
         * Sets how often the loss is logged (and checked for NaN).
         *
         * @param logEverySteps steps between log lines, 0 for once per epoch
         * @return this builder
         */
        public Builder optLogEverySteps(int logEverySteps) {
            this.logEverySteps = logEverySteps;
            return this;
        }

        /**
         * Sets how often a checkpoint is written.
         *
         * @param checkpointEveryEpochs epochs between checkpoints, 0 for the last epoch only
         * @return this builder
         */
        public Builder optCheckpointEveryEpochs(int checkpointEveryEpochs) {
            this.checkpointEveryEpochs = checkpointEveryEpochs;
            return this;
        }

        /**
         * Builds the training settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the first value that fails its check ({@link #checked()})
         */
        public TrainingSettings build() {
            return new TrainingSettings(epochs, batchSize, optimizer, learningRate, schedule, weightDecay, gradClipNorm,
                    logEverySteps, checkpointEveryEpochs).checked();
        }
    }
}
