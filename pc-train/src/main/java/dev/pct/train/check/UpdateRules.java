package dev.pct.train.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules between the parts of an update, each written once: which stage a choice needs. {@code
 * PcTrainingBuilder#build()} refuses a training that breaks one, in the Java API's terms; a job file's validator
 * reports it before anything loads, under the key that made the choice.
 *
 * @param baseline whether the plain retrain (the baseline) is trained
 * @param lowestNfr whether the selection rule is {@code lowest_nfr}, which bounds each PC model's kept epoch by the
 *     plain retrain's validation error
 * @param ensemble whether a setting distils toward an ensemble of plain retrains (a reference or a second source)
 * @param interpolation whether the job interpolates weights between the old model and the plain retrain
 * @param oldParameters whether the old model's parameters are at hand (trained in the job, or a parameter file)
 */
public record UpdateRules(
        boolean baseline, boolean lowestNfr, boolean ensemble, boolean interpolation, boolean oldParameters) {

    /** A rule, with why it holds and what the Java API's caller does about it. */
    public enum Rule {
        /** Selection by lowest NFR needs the plain retrain. */
        LOWEST_NFR_NEEDS_BASELINE("selection rule lowest_nfr needs the baseline",
                "it bounds the PC models' validation error by the plain retrain's",
                "use lowest_error or train the baseline"),
        /** An ensemble reference needs the plain retrain, its first member. */
        ENSEMBLE_NEEDS_BASELINE("an ensemble reference needs the baseline",
                "the plain retrain is the ensemble's first member", "train the baseline (optBaseline)"),
        /** Weight interpolation needs the plain retrain, its end point. */
        INTERPOLATION_NEEDS_BASELINE("weight interpolation needs the baseline",
                "it interpolates toward the plain retrain", "train the baseline (optBaseline)"),
        /** Weight interpolation needs the old model's parameters, its other end point. */
        INTERPOLATION_NEEDS_OLD_PARAMETERS("weight interpolation needs the old model's parameters",
                "it mixes them with the plain retrain's", "train the old model in the job (setOldModelToTrain) or"
                        + " give its parameter file (optOldParameters)");

        private final String rule;
        private final String why;
        private final String remedy;

        Rule(String rule, String why, String remedy) {
            this.rule = rule;
            this.why = why;
            this.remedy = remedy;
        }

        /**
         * Returns why the rule holds, for a message in any front end's terms.
         *
         * @return e.g. "the plain retrain is the ensemble's first member"
         */
        public String why() {
            return why;
        }

        /**
         * Returns the message of a Java API caller who broke the rule.
         *
         * @return the rule, why, and what to do
         */
        public String message() {
            return rule + " (" + why + "); " + remedy;
        }
    }

    /**
     * Returns the rules these choices break.
     *
     * @return the broken rules in the order of {@link Rule}, empty when the update holds together
     */
    public List<Rule> broken() {
        List<Rule> broken = new ArrayList<>();
        if (lowestNfr && !baseline) {
            broken.add(Rule.LOWEST_NFR_NEEDS_BASELINE);
        }
        if (ensemble && !baseline) {
            broken.add(Rule.ENSEMBLE_NEEDS_BASELINE);
        }
        if (interpolation && !baseline) {
            broken.add(Rule.INTERPOLATION_NEEDS_BASELINE);
        }
        if (interpolation && !oldParameters) {
            broken.add(Rule.INTERPOLATION_NEEDS_OLD_PARAMETERS);
        }
        return broken;
    }
}
