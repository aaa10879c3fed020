package dev.pct.train.selection;

import dev.pct.train.io.Spelling;
import java.util.Map;

/** Which epoch of a trained model is kept: the rule is applied to the validation split only. */
public enum SelectionRule {
    /** The last epoch (no selection). */
    LAST,

    /** Every new model keeps its epoch of lowest validation error (the plain retrain's usual rule). */
    LOWEST_ERROR,

    /**
     * The plain retrain keeps its epoch of lowest validation error; a PC model keeps, among its epochs whose
     * validation error is at most the plain retrain's lowest plus {@code selection.error_margin}, the one of
     * lowest validation NFR (ties: lower validation error, then the earlier epoch). When no epoch is within the
     * bound, the PC model's lowest-error epoch is kept and the report says so.
     */
    LOWEST_NFR;

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }

    /**
     * What the rule chose among candidates.
     *
     * @param key the chosen candidate
     * @param fallback true when {@code LOWEST_NFR} found no candidate within the error bound and took the
     *     lowest error instead
     * @param <K> the candidates' key type
     */
    public record Choice<K>(K key, boolean fallback) {}

    /**
     * Applies the rule to candidates: the epochs of one model, or the settings of a sweep. {@code LAST} takes
     * the last candidate; {@code LOWEST_ERROR} the lowest validation error (the last candidate when every error
     * is unknown); {@code LOWEST_NFR} the lowest validation NFR among candidates whose validation error is at
     * most {@code errorBound}, then the lower error, falling back to the lowest error when none qualifies.
     * Ties go to the earlier candidate.
     *
     * @param candidates {validation error, validation NFR} per candidate, in order; NaN when unknown
     * @param errorBound for {@code LOWEST_NFR}: the highest validation error a candidate may have
     * @param <K> the candidates' key type
     * @return the choice, or null when there are no candidates
     */
    public <K> Choice<K> choose(Map<K, double[]> candidates, double errorBound) {
        if (candidates.isEmpty()) {
            return null;
        }
        K last = null;
        K lowestError = null;
        double bestError = Double.POSITIVE_INFINITY;
        K lowestNfr = null;
        double[] bestNfr = null;
        for (Map.Entry<K, double[]> e : candidates.entrySet()) {
            double error = e.getValue()[0];
            double nfr = e.getValue()[1];
            last = e.getKey();
            if (error < bestError) {
                lowestError = e.getKey();
                bestError = error;
            }
            // Error rates are counts over the validation size: a tolerance far below 1/n absorbs rounding.
            if (!Double.isNaN(nfr) && error <= errorBound + 1e-12 && (bestNfr == null || nfr < bestNfr[1]
                    || nfr == bestNfr[1] && error < bestNfr[0])) {
                lowestNfr = e.getKey();
                bestNfr = e.getValue();
            }
        }
        K lowest = lowestError != null ? lowestError : last;
        return switch (this) {
            case LAST -> new Choice<>(last, false);
            case LOWEST_ERROR -> new Choice<>(lowest, false);
            case LOWEST_NFR -> lowestNfr != null ? new Choice<>(lowestNfr, false) : new Choice<>(lowest, true);
        };
    }
}
