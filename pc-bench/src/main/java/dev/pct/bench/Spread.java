package dev.pct.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The median and range of repeated measurements of one quantity (a time per step, or a speed-up
 * formed within one iteration), so that a number in the table comes with how far it moved.
 *
 * @param median the middle sample, or the mean of the two middle ones for an even count; NaN if
 *     there are none
 * @param min the smallest sample, NaN if none
 * @param max the largest sample, NaN if none
 * @param samples how many samples there were
 */
public record Spread(double median, double min, double max, int samples) {

    /** The spread of no measurement at all. */
    public static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, 0);

    /**
     * Summarizes samples.
     *
     * @param samples the measurements (NaN samples are left out)
     * @return their median, minimum, maximum and count
     */
    public static Spread of(double... samples) {
        double[] sorted = Arrays.stream(samples).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return NONE;
        }
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], n);
    }

    /**
     * Summarizes samples.
     *
     * @param samples the measurements (NaN samples are left out)
     * @return their median, minimum, maximum and count
     */
    public static Spread of(List<Double> samples) {
        return of(samples.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The range of the ratio of two independently measured quantities: the median of the ratio is
     * the ratio of the medians, its minimum the smallest numerator over the largest denominator and
     * its maximum the other way round (a bound, as the samples cannot be paired).
     *
     * @param numerator the spread of the quantity divided
     * @param denominator the spread of the quantity it is divided by
     * @return the spread of the ratio, with the smaller of the two sample counts
     */
    public static Spread ratio(Spread numerator, Spread denominator) {
        if (numerator.samples == 0 || denominator.samples == 0) {
            return NONE;
        }
        return new Spread(numerator.median / denominator.median,
                numerator.min / denominator.max, numerator.max / denominator.min,
                Math.min(numerator.samples, denominator.samples));
    }

    /**
     * Whether the samples are known to stay within a fraction of their median on both sides.
     *
     * @param fraction e.g. 0.2 for ±20 %
     * @return true if there are at least two samples and {@code median·(1−fraction) ≤ min} and
     *     {@code max ≤ median·(1+fraction)}; false if there are fewer (a range of one sample says
     *     nothing) or the range is wider
     */
    public boolean within(double fraction) {
        return samples >= 2
                && min >= median * (1 - fraction)
                && max <= median * (1 + fraction);
    }
}
