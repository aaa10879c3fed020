package dev.pct.train.report;

import java.util.Objects;

/**
 * One row of a run's training history: the measurements of one model and seed after one epoch.
 *
 * <p>A value that was not measured (e.g. {@code distillation} for a model trained without an old
 * model, or {@code validationError} without a validation split) is {@link Double#NaN}; it is
 * written as an empty cell in {@code history.csv} and left out of the charts.
 *
 * @param model the model role, e.g. {@code "old"}, {@code "baseline"} or {@code "pc"}
 * @param seed the random seed of the run
 * @param epoch the epoch number, counting from 1 (0 may mark the state before training)
 * @param trainLoss the mean total training loss over the epoch
 * @param crossEntropy the mean cross-entropy part of the loss
 * @param distillation the mean distillation part of the loss (already weighted by lambda)
 * @param trainError the error rate on the training set, in {@code [0, 1]}
 * @param validationError the error rate on the validation split, in {@code [0, 1]}
 * @param validationNegativeFlipRate the negative flip rate on the validation split against the old model
 *     (what to choose settings on, leaving the test set for reporting)
 * @param testError the error rate on the test set, in {@code [0, 1]}
 * @param testNegativeFlipRate the negative flip rate on the test set against the old model
 * @param samplesPerSecond the training throughput over the epoch
 * @param seconds the wall-clock duration of the epoch
 * @param dataWaitShare the share of the epoch's training time the loop waited for its next batch (input
 *     preparation not keeping up), in {@code [0, 1]}; NaN when not measured
 * @param evaluationShare the time scoring the validation and test splits after the epoch took, as a share of the
 *     epoch's training time ({@code seconds}); above 0, and above 1 when evaluating took longer than training;
 *     NaN when not measured
 */
public record EpochRecord(
        String model,
        int seed,
        int epoch,
        double trainLoss,
        double crossEntropy,
        double distillation,
        double trainError,
        double validationError,
        double validationNegativeFlipRate,
        double testError,
        double testNegativeFlipRate,
        double samplesPerSecond,
        double seconds,
        double dataWaitShare,
        double evaluationShare) {

    /**
     * Creates a record after checking the identifying fields.
     *
     * @throws IllegalArgumentException if {@code model} is blank or {@code epoch < 0}
     */
    public EpochRecord {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("EpochRecord model must not be blank");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("EpochRecord epoch must be >= 0, got " + epoch + " for " + model);
        }
    }

    /**
     * Creates a record whose evaluation time was not measured ({@code evaluationShare} NaN).
     *
     * @param model the model role
     * @param seed the random seed
     * @param epoch the epoch number
     * @param trainLoss the mean total training loss
     * @param crossEntropy the mean cross-entropy part
     * @param distillation the mean distillation part
     * @param trainError the training error rate
     * @param validationError the validation error rate
     * @param validationNegativeFlipRate the validation negative flip rate
     * @param testError the test error rate
     * @param testNegativeFlipRate the test negative flip rate
     * @param samplesPerSecond the training throughput
     * @param seconds the epoch's training time
     * @param dataWaitShare the share of it spent waiting for data
     */
    public EpochRecord(String model, int seed, int epoch, double trainLoss, double crossEntropy, double distillation,
            double trainError, double validationError, double validationNegativeFlipRate, double testError,
            double testNegativeFlipRate, double samplesPerSecond, double seconds, double dataWaitShare) {
        this(model, seed, epoch, trainLoss, crossEntropy, distillation, trainError, validationError,
                validationNegativeFlipRate, testError, testNegativeFlipRate, samplesPerSecond, seconds, dataWaitShare,
                Double.NaN);
    }

    /**
     * Returns this record with the test figures replaced, e.g. for the kept epoch of a stage that scores the test
     * split only once.
     *
     * @param error the test error rate
     * @param negativeFlipRate the test negative flip rate (NaN without an old model)
     * @return the record with those figures
     */
    public EpochRecord withTest(double error, double negativeFlipRate) {
        return new EpochRecord(model, seed, epoch, trainLoss, crossEntropy, distillation, trainError, validationError,
                validationNegativeFlipRate, error, negativeFlipRate, samplesPerSecond, seconds, dataWaitShare,
                evaluationShare);
    }

    /**
     * This record under another model name (a merged report's name for a run's model).
     *
     * @param name the name
     * @return the copy
     */
    public EpochRecord withModel(String name) {
        return new EpochRecord(name, seed, epoch, trainLoss, crossEntropy, distillation, trainError, validationError,
                validationNegativeFlipRate, testError, testNegativeFlipRate, samplesPerSecond, seconds, dataWaitShare,
                evaluationShare);
    }
}
