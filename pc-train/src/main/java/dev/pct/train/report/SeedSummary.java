package dev.pct.train.report;

import java.util.List;

/**
 * The mean and sample standard deviation of one measure over the seeds of one model.
 *
 * @param seeds the number of seeds
 * @param mean the arithmetic mean
 * @param std the sample standard deviation (divisor {@code seeds - 1}); 0 for a single seed, where
 *     it is undefined, so check {@code seeds} before showing it
 */
public record SeedSummary(int seeds, double mean, double std) {

    /**
     * Summarizes values, one per seed.
     *
     * @param values the per-seed values
     * @return the summary
     * @throws IllegalArgumentException if {@code values} is empty
     */
    public static SeedSummary of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("SeedSummary needs at least one value");
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n == 1) {
            return new SeedSummary(1, mean, 0.0);
        }
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new SeedSummary(n, mean, Math.sqrt(squares / (n - 1)));
    }
}
