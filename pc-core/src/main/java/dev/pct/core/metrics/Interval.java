package dev.pct.core.metrics;

/**
 * A closed interval {@code [lower, upper]} of a proportion, here a 95% confidence interval.
 *
 * @param lower the lower bound, in {@code [0, 1]}
 * @param upper the upper bound, in {@code [lower, 1]}
 */
public record Interval(double lower, double upper) {

    /** The two-sided 95% standard normal quantile used for every interval in this package. */
    public static final double Z_95 = 1.959963984540054;

    /**
     * Creates an interval after checking that it is ordered and finite.
     *
     * @throws IllegalArgumentException if a bound is NaN or infinite or {@code lower > upper}
     */
    public Interval {
        if (!Double.isFinite(lower) || !Double.isFinite(upper) || lower > upper) {
            throw new IllegalArgumentException(
                    "Interval bounds must be finite with lower <= upper, got [" + lower + ", " + upper + "]");
        }
    }

    /**
     * Returns the Wilson score interval at 95% for {@code successes} out of {@code trials}.
     *
     * <p>Wilson's interval stays inside {@code [0, 1]} and keeps a sensible width when the count is
     * 0 or equal to the number of trials, where the normal (Wald) interval collapses to a point;
     * flip counts are often small, so this matters here. With {@code p = successes / trials},
     * {@code n = trials} and {@code z = 1.959963984540054}: center {@code (p + z²/2n) / (1 + z²/n)},
     * half width {@code z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)}.
     *
     * <p>With no trials there is no information: the interval is {@code [0, 1]}.
     *
     * @param successes the count of events, in {@code [0, trials]}
     * @param trials the number of samples, {@code >= 0}
     * @return the 95% Wilson score interval
     * @throws IllegalArgumentException if the counts are negative or {@code successes > trials}
     */
    public static Interval wilson(long successes, long trials) {
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException(
                    "Wilson interval needs 0 <= successes <= trials, got successes="
                            + successes
                            + ", trials="
                            + trials);
        }
        if (trials == 0) {
            return new Interval(0.0, 1.0);
        }
        double n = trials;
        double p = successes / n;
        double z2 = Z_95 * Z_95;
        double denominator = 1.0 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double halfWidth = Z_95 / denominator * Math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
        // Rounding can push a bound a few ulps outside [0, 1] at p = 0 or p = 1.
        return new Interval(Math.max(0.0, center - halfWidth), Math.min(1.0, center + halfWidth));
    }

    /**
     * Returns whether {@code value} lies in this interval.
     *
     * @param value the value to test
     * @return {@code lower <= value <= upper}
     */
    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }
}
