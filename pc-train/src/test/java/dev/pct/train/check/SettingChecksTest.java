package dev.pct.train.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.optim.OptimizerSettings;
import dev.pct.train.optim.PcOptimizer;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.selection.TestEvaluation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The settings records' own checks, which the job file's validator and the Java API's builders both apply, and the
 * rules between an update's parts: the expected problems worked out by hand from each record's documented ranges.
 */
class SettingChecksTest {

    private static List<String> lines(List<SettingProblem> problems) {
        return problems.stream().map(SettingProblem::toString).toList();
    }

    @Test
    void rangesHoldAtTheirBoundsAndRefuseNanAndInfinity() {
        Checks checks = new Checks("s")
                .atLeast("i", 1, 1) // at the bound: valid
                .atLeast("j", 0, 1)
                .atLeast("x", 0.0, 0) // at the bound: valid
                .atLeast("nan", Double.NaN, 0)
                .atLeast("inf", Double.POSITIVE_INFINITY, 0)
                .positive("zero", 0.0)
                .positive("small", 1e-12) // valid
                .unitInterval("one", 1.0)
                .unitInterval("half", 0.5); // valid
        assertEquals(List.of("s.j: got 0, expected an integer >= 1", "s.nan: got NaN, expected a number >= 0",
                "s.inf: got Infinity, expected a number >= 0", "s.zero: got 0.0, expected a number > 0",
                "s.one: got 1.0, expected a number >= 0 and < 1"), lines(checks.problems()));
        assertEquals("k", new Checks("").key("k"));
    }

    @Test
    void trainingSettingsNameEveryBadValueUnderTheirSectionsPath() {
        TrainingSettings t = new TrainingSettings(0, 128, new OptimizerSettings(PcOptimizer.Kind.ADAM, 0.9, 1.0, 0.999,
                0), 0.05, TrainingSettings.defaults().schedule(), -1, 0, 50, 1);
        // The schedule's default warm-up of 1 epoch exceeds 0 epochs: bounded by the training's own key.
        assertEquals(List.of("old_model.training.epochs: got 0, expected an integer >= 1",
                "old_model.training.weight_decay: got -1.0, expected a number >= 0",
                "old_model.training.optimizer.beta1: got 1.0, expected a number >= 0 and < 1",
                "old_model.training.optimizer.epsilon: got 0.0, expected a number > 0",
                "old_model.training.schedule.warmup_epochs: got 1, expected an integer >= 0 and <="
                        + " old_model.training.epochs (0)"), lines(t.problems("old_model.training")));
        assertTrue(TrainingSettings.defaults().problems("training").isEmpty());
    }

    @Test
    void theJavaApisBuildersRefuseWhatAJobFileIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSettings.builder().optBatchSize(0).build());
        assertTrue(e.getMessage().endsWith("training.batch_size: got 0, expected an integer >= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SelectionSettings(SelectionRule.LOWEST_NFR, -0.1, 0, TestEvaluation.EVERY_EPOCH).checked());
        assertTrue(e.getMessage().endsWith("selection.error_margin: got -0.1, expected a number >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new InterpolationSettings(true, List.of(0.0, 0.5, 0.5), 10, 1).checked());
        assertTrue(e.getMessage().endsWith("interpolation.alphas[2]: got 0.5, expected a number in [0, 1], larger than"
                + " the one before it"), e.getMessage());
        assertEquals(SelectionSettings.defaults(), SelectionSettings.defaults().checked());
    }

    @Test
    void updateRulesBreakOnlyWhenTheirStageIsMissing() {
        // baseline, lowestNfr, ensemble, interpolation, oldParameters
        assertEquals(List.of(), new UpdateRules(true, true, true, true, true).broken());
        assertEquals(List.of(), new UpdateRules(false, false, false, false, false).broken());
        assertEquals(List.of(UpdateRules.Rule.LOWEST_NFR_NEEDS_BASELINE, UpdateRules.Rule.ENSEMBLE_NEEDS_BASELINE,
                UpdateRules.Rule.INTERPOLATION_NEEDS_BASELINE, UpdateRules.Rule.INTERPOLATION_NEEDS_OLD_PARAMETERS),
                new UpdateRules(false, true, true, true, false).broken());
        assertEquals(List.of(UpdateRules.Rule.INTERPOLATION_NEEDS_OLD_PARAMETERS),
                new UpdateRules(true, true, true, true, false).broken());
        assertEquals(List.of(UpdateRules.Rule.ENSEMBLE_NEEDS_BASELINE),
                new UpdateRules(false, false, true, false, true).broken());
        assertTrue(UpdateRules.Rule.ENSEMBLE_NEEDS_BASELINE.message().contains("first member"));
    }
}
