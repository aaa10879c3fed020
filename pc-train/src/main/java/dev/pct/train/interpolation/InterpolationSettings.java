package dev.pct.train.interpolation;

import dev.pct.train.check.Checks;
import dev.pct.train.check.SettingProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * Weight interpolation in a job (BCWI): for each seed, the models {@code theta(a) = (1 - a) theta_old + a
 * theta_new} over a grid of a, where {@code theta_new} is the plain retrain (the new model fine-tuned from the old
 * model's weights) or the average of {@code soup_members} plain retrains of different seeds; batch-norm statistics
 * re-estimated on training data for every a strictly between 0 and 1 (a = 0 and a = 1 are the old and new models
 * themselves, their own statistics kept); the a kept by the job's selection rule on the validation split. YAML
 * {@code interpolation}.
 *
 * @param enabled whether the job interpolates; default false
 * @param alphas the grid of a, each in [0, 1], increasing; default 0, 0.1, ..., 1
 * @param bnBatches how many training batches (of the training batch size, the first of a shuffle by the seed)
 *     re-estimate the batch-norm statistics; an integer &gt;= 1, default 100; YAML {@code bn_batches}
 * @param soupMembers how many plain retrains are averaged into {@code theta_new}: 1 (default) is the plain retrain
 *     alone, k &gt; 1 adds the retrains with seeds N + 100000, ... (trained as the ensemble's members are); YAML
 *     {@code soup_members}
 */
public record InterpolationSettings(boolean enabled, List<Double> alphas, int bnBatches, int soupMembers) {

    /** Makes the grid immutable. */
    public InterpolationSettings {
        alphas = alphas == null ? null : List.copyOf(alphas);
    }

    /**
     * Returns the defaults: off; a from 0 to 1 in steps of 0.1; 100 batches; the plain retrain alone.
     *
     * @return the defaults
     */
    public static InterpolationSettings defaults() {
        List<Double> grid = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            grid.add(i / 10.0);
        }
        return new InterpolationSettings(false, grid, 100, 1);
    }

    /**
     * Returns the values that fail their checks (those above), whether or not interpolation is enabled.
     *
     * @param path the section's path for the keys, e.g. {@code interpolation}
     * @return the problems, empty when every value is valid
     */
    public List<SettingProblem> problems(String path) {
        Checks checks = new Checks(path).atLeast("bn_batches", bnBatches, 1).atLeast("soup_members", soupMembers, 1);
        if (alphas == null || alphas.isEmpty()) {
            return checks.fail("alphas", alphas, "at least one weight a in [0, 1]").problems();
        }
        for (int i = 0; i < alphas.size(); i++) {
            // No element is null: the constructor's List.copyOf refuses them.
            double a = alphas.get(i);
            checks.when(!(a >= 0 && a <= 1) || i > 0 && !(a > alphas.get(i - 1)), "alphas[" + i + "]", a,
                    "a number in [0, 1], larger than the one before it");
        }
        return checks.problems();
    }

    /**
     * Returns these settings when every value is valid.
     *
     * @return these settings
     * @throws IllegalArgumentException naming the first of {@link #problems(String) problems("interpolation")}
     */
    public InterpolationSettings checked() {
        SettingProblem.refuse(this, problems("interpolation"));
        return this;
    }

    /**
     * Describes the interpolated model, for its provenance.
     *
     * @return e.g. "weight interpolation (1 - a) old + a plain retrain, a in [0.0, 0.5, 1.0], batch norm re-estimated
     *     on 100 training batches"
     */
    public String describe() {
        return "weight interpolation (1 - a) old + a " + (soupMembers == 1 ? "plain retrain"
                : "mean of " + soupMembers + " plain retrains") + ", a in " + alphas
                + ", batch norm re-estimated on " + bnBatches + " training batches";
    }
}
