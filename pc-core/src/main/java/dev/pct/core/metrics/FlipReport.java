package dev.pct.core.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * The flip statistics of a new model against an old model on one labelled sample set.
 *
 * <p>Definitions follow Yan et al., "Positive-Congruent Training: Towards Regression-Free Model
 * Updates", CVPR 2021 (<a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>). With
 * {@code N} samples, a negative flip (NF) is a sample the old model gets right and the new model
 * gets wrong, a positive flip (PF) the reverse.
 *
 * <p><b>Degenerate cases.</b> No field is ever NaN. Every ratio whose denominator is zero is
 * defined as {@code 0}, and in each such case the numerator is necessarily zero too, so {@code 0}
 * is the limit that no data can contradict:
 *
 * <ul>
 *   <li>empty set ({@code total = 0}): every rate, ratio and per-class rate is 0, every interval
 *       is {@code [0, 1]} (no information);
 *   <li>{@code relativeNegativeFlipRate}: when {@code errorRateNew = 0} (so NF = 0) or {@code
 *       errorRateOld = 1} (so the old model has no correct sample and NF = 0), it is 0;
 *   <li>{@code negativeFlipImpact}: when {@code newErrors = 0} (so NF = 0), it is 0;
 *   <li>{@code positiveFlipImpact}: when the new model has no correct sample (so PF = 0), it is 0;
 *   <li>{@code negativeFlipRateAmongOldCorrect}: when the old model has no correct sample (so NF =
 *       0), it is 0;
 *   <li>{@code negativeFlipRatePerClass[c]}: when class {@code c} has no sample, it is 0.
 * </ul>
 *
 * <p>Arrays are copied in and out, so a report is immutable; {@code equals} compares them by
 * content.
 *
 * @param total the number of samples {@code N}
 * @param oldErrors the number of samples the old model gets wrong
 * @param newErrors the number of samples the new model gets wrong
 * @param negativeFlips the number of samples with old right and new wrong
 * @param positiveFlips the number of samples with old wrong and new right
 * @param errorRateOld {@code oldErrors / N}
 * @param errorRateNew {@code newErrors / N}
 * @param negativeFlipRate NFR, {@code negativeFlips / N}
 * @param positiveFlipRate PFR, {@code positiveFlips / N}
 * @param relativeNegativeFlipRate {@code NFR / ((1 - errorRateOld) * errorRateNew)}: the NFR over
 *     the NFR expected if the two models erred independently; below 1 means fewer regressions than
 *     chance, 0 if the denominator is 0
 * @param negativeFlipImpact NFI, {@code negativeFlips / newErrors}: the share of the new model's
 *     errors that are regressions, 0 if {@code newErrors = 0}
 * @param positiveFlipImpact PFI, {@code positiveFlips / (N - newErrors)}: the share of the new
 *     model's correct answers that are fixes, 0 if the new model has no correct sample
 * @param negativeFlipRateAmongOldCorrect {@code negativeFlips / (N - oldErrors)}: the chance that
 *     a sample the old model got right is lost, 0 if the old model has no correct sample
 * @param errorRateOldInterval the 95% Wilson interval of {@code errorRateOld}
 * @param errorRateNewInterval the 95% Wilson interval of {@code errorRateNew}
 * @param negativeFlipRateInterval the 95% Wilson interval of {@code negativeFlipRate}
 * @param positiveFlipRateInterval the 95% Wilson interval of {@code positiveFlipRate}
 * @param samplesPerClass the number of samples per true class, length {@code numClasses}
 * @param negativeFlipsPerClass the number of negative flips per true class
 * @param negativeFlipRatePerClass {@code negativeFlipsPerClass[c] / samplesPerClass[c]}, 0 for an
 *     empty class
 * @param negativeFlipIndices the sample indices of the negative flips, sorted ascending
 */
public record FlipReport(
        long total,
        long oldErrors,
        long newErrors,
        long negativeFlips,
        long positiveFlips,
        double errorRateOld,
        double errorRateNew,
        double negativeFlipRate,
        double positiveFlipRate,
        double relativeNegativeFlipRate,
        double negativeFlipImpact,
        double positiveFlipImpact,
        double negativeFlipRateAmongOldCorrect,
        Interval errorRateOldInterval,
        Interval errorRateNewInterval,
        Interval negativeFlipRateInterval,
        Interval positiveFlipRateInterval,
        long[] samplesPerClass,
        long[] negativeFlipsPerClass,
        double[] negativeFlipRatePerClass,
        long[] negativeFlipIndices) {

    /**
     * Creates a report, copying the arrays.
     *
     * @throws NullPointerException if an interval or array is null
     * @throws IllegalArgumentException if the per-class arrays differ in length
     */
    public FlipReport {
        Objects.requireNonNull(errorRateOldInterval, "errorRateOldInterval");
        Objects.requireNonNull(errorRateNewInterval, "errorRateNewInterval");
        Objects.requireNonNull(negativeFlipRateInterval, "negativeFlipRateInterval");
        Objects.requireNonNull(positiveFlipRateInterval, "positiveFlipRateInterval");
        samplesPerClass = Objects.requireNonNull(samplesPerClass, "samplesPerClass").clone();
        negativeFlipsPerClass =
                Objects.requireNonNull(negativeFlipsPerClass, "negativeFlipsPerClass").clone();
        negativeFlipRatePerClass =
                Objects.requireNonNull(negativeFlipRatePerClass, "negativeFlipRatePerClass").clone();
        negativeFlipIndices =
                Objects.requireNonNull(negativeFlipIndices, "negativeFlipIndices").clone();
        if (negativeFlipsPerClass.length != samplesPerClass.length
                || negativeFlipRatePerClass.length != samplesPerClass.length) {
            throw new IllegalArgumentException(
                    "Per-class arrays must have one length, got samplesPerClass="
                            + samplesPerClass.length
                            + ", negativeFlipsPerClass="
                            + negativeFlipsPerClass.length
                            + ", negativeFlipRatePerClass="
                            + negativeFlipRatePerClass.length);
        }
    }

    /**
     * Builds a report from raw counts, deriving every rate, ratio and interval.
     *
     * @param total the number of samples
     * @param oldErrors the old model's errors
     * @param newErrors the new model's errors
     * @param negativeFlips the negative flips
     * @param positiveFlips the positive flips
     * @param samplesPerClass the samples per true class
     * @param negativeFlipsPerClass the negative flips per true class
     * @param negativeFlipIndices the negative-flip sample indices, in any order (sorted here)
     * @return the report
     * @throws IllegalArgumentException if the counts are inconsistent, e.g. {@code newErrors -
     *     negativeFlips != oldErrors - positiveFlips} (both count the samples both models get
     *     wrong), or the per-class counts do not add up to the totals
     */
    public static FlipReport fromCounts(
            long total,
            long oldErrors,
            long newErrors,
            long negativeFlips,
            long positiveFlips,
            long[] samplesPerClass,
            long[] negativeFlipsPerClass,
            long[] negativeFlipIndices) {
        checkCount("oldErrors", oldErrors, total);
        checkCount("newErrors", newErrors, total);
        checkCount("negativeFlips", negativeFlips, total - oldErrors);
        checkCount("positiveFlips", positiveFlips, oldErrors);
        if (newErrors - negativeFlips != oldErrors - positiveFlips) {
            throw new IllegalArgumentException(
                    "Inconsistent counts: newErrors - negativeFlips ("
                            + newErrors
                            + " - "
                            + negativeFlips
                            + ") must equal oldErrors - positiveFlips ("
                            + oldErrors
                            + " - "
                            + positiveFlips
                            + ")");
        }
        if (Arrays.stream(samplesPerClass).sum() != total) {
            throw new IllegalArgumentException(
                    "samplesPerClass sums to " + Arrays.stream(samplesPerClass).sum() + ", expected total=" + total);
        }
        if (Arrays.stream(negativeFlipsPerClass).sum() != negativeFlips) {
            throw new IllegalArgumentException(
                    "negativeFlipsPerClass sums to "
                            + Arrays.stream(negativeFlipsPerClass).sum()
                            + ", expected negativeFlips="
                            + negativeFlips);
        }
        if (negativeFlipIndices.length != negativeFlips) {
            throw new IllegalArgumentException(
                    "negativeFlipIndices has "
                            + negativeFlipIndices.length
                            + " entries, expected negativeFlips="
                            + negativeFlips);
        }
        double errorRateOld = ratio(oldErrors, total);
        double errorRateNew = ratio(newErrors, total);
        double negativeFlipRate = ratio(negativeFlips, total);
        double expectedUnderIndependence = (1.0 - errorRateOld) * errorRateNew;
        double relative =
                expectedUnderIndependence == 0.0 ? 0.0 : negativeFlipRate / expectedUnderIndependence;
        double[] perClass = new double[samplesPerClass.length];
        for (int c = 0; c < perClass.length; c++) {
            perClass[c] = ratio(negativeFlipsPerClass[c], samplesPerClass[c]);
        }
        long[] sorted = negativeFlipIndices.clone();
        Arrays.sort(sorted);
        return new FlipReport(
                total,
                oldErrors,
                newErrors,
                negativeFlips,
                positiveFlips,
                errorRateOld,
                errorRateNew,
                negativeFlipRate,
                ratio(positiveFlips, total),
                relative,
                ratio(negativeFlips, newErrors),
                ratio(positiveFlips, total - newErrors),
                ratio(negativeFlips, total - oldErrors),
                Interval.wilson(oldErrors, total),
                Interval.wilson(newErrors, total),
                Interval.wilson(negativeFlips, total),
                Interval.wilson(positiveFlips, total),
                samplesPerClass,
                negativeFlipsPerClass,
                perClass,
                sorted);
    }

    /**
     * Returns the number of classes.
     *
     * @return the length of the per-class arrays
     */
    public int numClasses() {
        return samplesPerClass.length;
    }

    /**
     * Returns the number of samples per true class.
     *
     * @return a copy of the per-class sample counts
     */
    @Override
    public long[] samplesPerClass() {
        return samplesPerClass.clone();
    }

    /**
     * Returns the number of negative flips per true class.
     *
     * @return a copy of the per-class negative-flip counts
     */
    @Override
    public long[] negativeFlipsPerClass() {
        return negativeFlipsPerClass.clone();
    }

    /**
     * Returns the negative flip rate within each true class.
     *
     * @return a copy of the per-class negative flip rates
     */
    @Override
    public double[] negativeFlipRatePerClass() {
        return negativeFlipRatePerClass.clone();
    }

    /**
     * Returns the sample indices of the negative flips, sorted ascending.
     *
     * @return a copy of the indices
     */
    @Override
    public long[] negativeFlipIndices() {
        return negativeFlipIndices.clone();
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlipReport r)) {
            return false;
        }
        return total == r.total
                && oldErrors == r.oldErrors
                && newErrors == r.newErrors
                && negativeFlips == r.negativeFlips
                && positiveFlips == r.positiveFlips
                && Double.compare(errorRateOld, r.errorRateOld) == 0
                && Double.compare(errorRateNew, r.errorRateNew) == 0
                && Double.compare(negativeFlipRate, r.negativeFlipRate) == 0
                && Double.compare(positiveFlipRate, r.positiveFlipRate) == 0
                && Double.compare(relativeNegativeFlipRate, r.relativeNegativeFlipRate) == 0
                && Double.compare(negativeFlipImpact, r.negativeFlipImpact) == 0
                && Double.compare(positiveFlipImpact, r.positiveFlipImpact) == 0
                && Double.compare(negativeFlipRateAmongOldCorrect, r.negativeFlipRateAmongOldCorrect) == 0
                && errorRateOldInterval.equals(r.errorRateOldInterval)
                && errorRateNewInterval.equals(r.errorRateNewInterval)
                && negativeFlipRateInterval.equals(r.negativeFlipRateInterval)
                && positiveFlipRateInterval.equals(r.positiveFlipRateInterval)
                && Arrays.equals(samplesPerClass, r.samplesPerClass)
                && Arrays.equals(negativeFlipsPerClass, r.negativeFlipsPerClass)
                && Arrays.equals(negativeFlipRatePerClass, r.negativeFlipRatePerClass)
                && Arrays.equals(negativeFlipIndices, r.negativeFlipIndices);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        int h = Objects.hash(total, oldErrors, newErrors, negativeFlips, positiveFlips);
        h = 31 * h + Arrays.hashCode(samplesPerClass);
        h = 31 * h + Arrays.hashCode(negativeFlipsPerClass);
        return 31 * h + Arrays.hashCode(negativeFlipIndices);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "FlipReport[total=%d, errorRateOld=%.4f, errorRateNew=%.4f, negativeFlips=%d,"
                        + " negativeFlipRate=%.4f, positiveFlips=%d, positiveFlipRate=%.4f,"
                        + " relativeNegativeFlipRate=%.4f, negativeFlipImpact=%.4f, classes=%d]",
                total,
                errorRateOld,
                errorRateNew,
                negativeFlips,
                negativeFlipRate,
                positiveFlips,
                positiveFlipRate,
                relativeNegativeFlipRate,
                negativeFlipImpact,
                samplesPerClass.length);
    }

    private static double ratio(long numerator, long denominator) {
        // Callers guarantee numerator == 0 whenever denominator == 0 (see the class Javadoc).
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    private static void checkCount(String name, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be in [0, " + max + "], got " + value);
        }
    }
}
