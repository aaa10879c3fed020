package dev.pct.train.report;

import java.util.List;

/**
 * A seed's weight-interpolation curve (BCWI): each a of the grid with the interpolated model's validation and test
 * error and NFR against the old model, and the a the selection rule kept.
 *
 * @param model the interpolated model's name in the run
 * @param seed the seed
 * @param points the grid, in increasing a
 * @param kept the index of the kept a in {@code points}
 * @param fallback true when no a met the rule's error bound, so the lowest validation error was kept
 * @param rule the rule, in words
 * @param members how many fine-tuned models were averaged into the new end (1: the plain retrain)
 */
public record InterpolationCurve(String model, int seed, List<Point> points, int kept, boolean fallback, String rule,
        int members) {

    /** Copies the points. */
    public InterpolationCurve {
        points = List.copyOf(points);
    }

    /**
     * One a of the grid.
     *
     * @param a the new model's weight
     * @param validationError error on the validation split
     * @param validationNfr negative flip rate against the old model on the validation split
     * @param testError error on the test split
     * @param testNfr negative flip rate on the test split
     */
    public record Point(double a, double validationError, double validationNfr, double testError, double testNfr) {}

    /**
     * Returns the kept point.
     *
     * @return the point of the kept a
     */
    public Point keptPoint() {
        return points.get(kept);
    }
}
