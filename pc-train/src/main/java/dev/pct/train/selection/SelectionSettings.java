package dev.pct.train.selection;

import dev.pct.train.check.Checks;
import dev.pct.train.check.SettingProblem;
import dev.pct.train.io.Spelling;
import java.util.List;

/**
 * Which checkpoint of each trained new model is kept, and whether training stops early; decided on the
 * validation split only, so the test figures stay an unbiased report.
 *
 * @param rule {@code last} (default), {@code lowest_error} or {@code lowest_nfr} (see {@link SelectionRule});
 *     any rule but {@code last} needs a validation split, and {@code lowest_nfr} the plain retrain
 *     ({@code compare_baseline: true}) whose best validation error bounds the PC model's
 * @param errorMargin for {@code lowest_nfr}: how much higher than the plain retrain's lowest validation error
 *     (same seed) a PC model's validation error may be, as a rate (0.003 = 0.3 points); YAML {@code
 *     error_margin}, a number &gt;= 0, default 0.003
 * @param patience early stopping: a model stops after this many epochs without a newly selected epoch
 *     (for {@code lowest_nfr}, counted from its first epoch within the bound); 0 = off (default). Not used with
 *     {@code last}
 * @param evaluateTest when each model's test split is scored: {@code every_epoch} (default; the learning curves
 *     show test error and NFR per epoch) or {@code selected} (once, for the kept epoch: a large test set is not
 *     scored every epoch); YAML {@code evaluate_test}. The kept epoch's test figures are the same either way
 */
public record SelectionSettings(SelectionRule rule, double errorMargin, int patience, TestEvaluation evaluateTest) {

    /**
     * Returns the defaults: keep the last epoch, margin 0.3 points, no early stopping, the test split scored every
     * epoch.
     *
     * @return the defaults
     */
    public static SelectionSettings defaults() {
        return new SelectionSettings(SelectionRule.LAST, 0.003, 0, TestEvaluation.EVERY_EPOCH);
    }

    /**
     * Returns the values that fail their checks (those above).
     *
     * @param path the section's path for the keys, e.g. {@code selection}
     * @return the problems, empty when every value is valid
     */
    public List<SettingProblem> problems(String path) {
        Checks checks = new Checks(path);
        checks.when(rule == null, "rule", null, "one of last, lowest_error, lowest_nfr");
        checks.when(evaluateTest == null, "evaluate_test", null, "one of every_epoch, selected");
        return checks.atLeast("error_margin", errorMargin, 0).atLeast("patience", patience, 0).problems();
    }

    /**
     * Returns these settings when every value is valid.
     *
     * @return these settings
     * @throws IllegalArgumentException naming the first of {@link #problems(String) problems("selection")}
     */
    public SelectionSettings checked() {
        SettingProblem.refuse(this, problems("selection"));
        return this;
    }

    /**
     * Describes the rule for the run's provenance.
     *
     * @return e.g. "lowest_nfr, error margin 0.003, patience 0" (the margin only for lowest_nfr)
     */
    public String describe() {
        return Spelling.of(rule) + (rule == SelectionRule.LOWEST_NFR ? ", error margin " + errorMargin : "")
                + ", patience " + patience;
    }

    /**
     * Returns the highest validation error a PC model's kept epoch may have under this rule.
     *
     * @param baselineError the plain retrain's lowest validation error (same seed)
     * @return {@code baselineError + errorMargin} for {@code lowest_nfr}; NaN (no bound) for the other rules
     */
    public double errorBound(double baselineError) {
        return rule == SelectionRule.LOWEST_NFR ? baselineError + errorMargin : Double.NaN;
    }
}
