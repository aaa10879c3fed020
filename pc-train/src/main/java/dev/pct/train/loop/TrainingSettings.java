package dev.pct.train.loop;

import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.PcOptimizer;

/**
 * How one model is trained, resolved from the job's configuration.
 *
 * @param epochs the number of passes over the training set
 * @param batchSize samples per step
 * @param optimizer the update rule
 * @param momentum SGD/Nesterov momentum
 * @param adamBeta1 Adam's first-moment decay
 * @param adamBeta2 Adam's second-moment decay
 * @param adamEpsilon Adam's denominator guard
 * @param schedule the shape of the learning-rate schedule
 * @param learningRate the peak learning rate
 * @param warmupEpochs epochs of linear warm-up (may be fractional)
 * @param stepEpochs epochs between decays (step schedule)
 * @param gamma decay factor (step schedule)
 * @param minLearningRate the cosine floor
 * @param weightDecay L2 weight decay
 * @param gradClipNorm the global gradient norm limit; 0 for none
 * @param logEverySteps steps between progress lines (and loss checks)
 * @param checkpointEveryEpochs epochs between checkpoints (the last epoch always gets one)
 */
public record TrainingSettings(
        int epochs,
        int batchSize,
        PcOptimizer.Kind optimizer,
        float momentum,
        float adamBeta1,
        float adamBeta2,
        float adamEpsilon,
        LearningRateSchedule.Type schedule,
        double learningRate,
        double warmupEpochs,
        int stepEpochs,
        double gamma,
        double minLearningRate,
        float weightDecay,
        double gradClipNorm,
        int logEverySteps,
        int checkpointEveryEpochs) {

    /**
     * Returns the number of steps of one epoch over a training set.
     *
     * @param trainSize the number of training samples
     * @return steps per epoch (batches of fewer than 2 samples are dropped, as batch norm needs 2)
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
        long warmup = Math.min(total - 1, Math.round(warmupEpochs * perEpoch));
        long stepSize = Math.max(1, (long) stepEpochs * perEpoch);
        return new LearningRateSchedule(
                schedule, learningRate, warmup, total, stepSize, gamma, Math.min(minLearningRate, learningRate));
    }
}
