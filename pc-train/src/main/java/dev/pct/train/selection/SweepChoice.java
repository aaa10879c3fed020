package dev.pct.train.selection;

import java.util.Map;

/** Which setting of a sweep is chosen, from each setting's validation figures at its kept epochs. */
public final class SweepChoice {

    private SweepChoice() {}

    /**
     * Chooses a sweep's setting. With {@code lowest_error}: the lowest validation error. Otherwise: the lowest
     * validation NFR among the settings whose validation error is at most the plain retrain's plus the
     * selection's margin (any error when there is no plain retrain), or the lowest error when none is.
     *
     * @param validation per setting, in sweep order, {mean validation error, mean validation NFR} over seeds
     * @param baselineError the plain retrain's mean validation error, NaN when the run has none
     * @param selection the job's selection settings, null for the defaults
     * @return the chosen setting, null when there is none to choose from
     */
    public static String choose(Map<String, double[]> validation, double baselineError,
            SelectionSettings selection) {
        SelectionSettings s = selection == null ? SelectionSettings.defaults() : selection;
        if (s.rule() == SelectionRule.LOWEST_ERROR) {
            SelectionRule.Choice<String> choice = SelectionRule.LOWEST_ERROR.choose(validation, Double.NaN);
            return choice == null ? null : choice.key();
        }
        double bound = Double.isNaN(baselineError) ? Double.POSITIVE_INFINITY : baselineError + s.errorMargin();
        SelectionRule.Choice<String> choice = SelectionRule.LOWEST_NFR.choose(validation, bound);
        return choice == null ? null : choice.key();
    }
}
