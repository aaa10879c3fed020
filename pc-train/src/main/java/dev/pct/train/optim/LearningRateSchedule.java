package dev.pct.train.optim;

/**
 * A learning-rate schedule as a pure function of the global optimizer step: linear warm-up, then constant,
 * step decay or cosine annealing.
 *
 * <p>Being a pure function of the step (no hidden state) is what lets a resumed run use exactly the rates
 * of an uninterrupted one.
 *
 * @param type the shape after warm-up
 * @param baseRate the peak learning rate, reached at the end of warm-up
 * @param warmupSteps steps of linear warm-up from {@code baseRate / warmupSteps} to {@code baseRate}; 0 for none
 * @param totalSteps all steps of the run (cosine reaches {@code minRate} at the last one)
 * @param stepSize steps between two decays (step schedule)
 * @param gamma the factor of each decay (step schedule)
 * @param minRate the floor of the cosine schedule
 */
public record LearningRateSchedule(
        Type type,
        double baseRate,
        long warmupSteps,
        long totalSteps,
        long stepSize,
        double gamma,
        double minRate) {

    /** The shape of a schedule after its warm-up. */
    public enum Type {
        /** The base rate throughout. */
        CONSTANT,
        /** The base rate times {@code gamma^floor((step - warmup) / stepSize)}. */
        STEP,
        /** Half a cosine from the base rate down to the minimum rate at the last step. */
        COSINE
    }

    /** Checks the values. */
    public LearningRateSchedule {
        if (type == null) {
            throw new IllegalArgumentException("schedule type must be one of constant, step, cosine, got null");
        }
        if (!(baseRate > 0) || !Double.isFinite(baseRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + baseRate);
        }
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException(
                    "warm-up steps must be >= 0 and total steps >= 1, got " + warmupSteps + " and " + totalSteps);
        }
        if (type == Type.STEP && (stepSize < 1 || !(gamma > 0))) {
            throw new IllegalArgumentException(
                    "step schedule needs step size >= 1 and gamma > 0, got " + stepSize + " and " + gamma);
        }
        if (minRate < 0 || minRate > baseRate) {
            throw new IllegalArgumentException(
                    "minimum learning rate must be in [0, " + baseRate + "], got " + minRate);
        }
    }

    /**
     * Returns the learning rate of a step.
     *
     * @param step the 0-based global step
     * @return the learning rate to use for that step
     */
    public double rateAt(long step) {
        if (step < warmupSteps) {
            return baseRate * (step + 1) / warmupSteps;
        }
        long after = step - warmupSteps;
        switch (type) {
            case CONSTANT:
                return baseRate;
            case STEP:
                return baseRate * Math.pow(gamma, after / stepSize);
            case COSINE:
                long span = Math.max(1, totalSteps - warmupSteps - 1);
                double progress = Math.min(1.0, (double) after / span);
                return minRate + 0.5 * (baseRate - minRate) * (1 + Math.cos(Math.PI * progress));
            default:
                throw new IllegalStateException("unknown schedule " + type);
        }
    }
}
