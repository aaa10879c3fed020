package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.core.loss.Distance;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.selection.TestEvaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code selection} and {@code sweep} sections: defaults, the grid, and errors naming key and value. Floating
 * values are parsed from decimal text and compared exactly: no arithmetic in between.
 */
class SelectionAndSweepConfigTest {
    private static final String MINIMAL = JobConfigLoaderTest.MINIMAL;

    @TempDir
    Path dir;

    private JobConfig load(String yaml, String... overrides) throws IOException {
        return JobFiles.load(dir, yaml, overrides);
    }

    private String failure(String yaml, String... overrides) throws IOException {
        return JobFiles.failure(dir, yaml, overrides);
    }

    @Test
    void defaultsKeepTheLastEpochAndTrainOneSetting() throws IOException {
        JobConfig config = load(MINIMAL);
        assertEquals(SelectionSettings.defaults(), config.selection());
        assertEquals(SelectionRule.LAST, config.selection().rule());
        assertTrue(SweepGrid.settings(config).isEmpty());
    }

    @Test
    void selectionIsRead() throws IOException {
        JobConfig config = load(MINIMAL + "selection: {rule: lowest_nfr, error_margin: 0.005, patience: 3}\n");
        assertEquals(new SelectionSettings(SelectionRule.LOWEST_NFR, 0.005, 3, TestEvaluation.EVERY_EPOCH),
                config.selection());
    }

    @Test
    void theTestSplitIsScoredEveryEpochUnlessSelectedOnlyIsAsked() throws IOException {
        assertEquals(TestEvaluation.EVERY_EPOCH, load(MINIMAL).selection().evaluateTest());
        assertEquals(TestEvaluation.SELECTED,
                load(MINIMAL + "selection: {evaluate_test: selected}\n").selection().evaluateTest());
        assertEquals(TestEvaluation.SELECTED,
                load(MINIMAL, "selection.evaluate_test=selected").selection().evaluateTest());
        String message = failure(MINIMAL + "selection: {evaluate_test: kept}\n");
        assertTrue(message.contains("selection.evaluate_test") && message.contains("kept")
                && message.contains("every_epoch, selected"), message);
    }

    @Test
    void sweepExpandsToEveryCombinationInGridOrder() throws IOException {
        JobConfig config = load(MINIMAL + """
                loss: {tau: 100, beta: 5}
                sweep:
                  - {key: loss.treatment, values: [fd-kl, fd-lm]}
                  - {key: loss.tau, values: [1, 10, 100]}
                """);
        Map<String, LossConfig> settings = SweepGrid.settings(config);
        assertEquals(List.of("pc-fd-kl-tau1", "pc-fd-kl-tau10", "pc-fd-kl-tau100", "pc-fd-lm-tau1", "pc-fd-lm-tau10",
                "pc-fd-lm-tau100"), List.copyOf(settings.keySet()));
        LossConfig lm10 = settings.get("pc-fd-lm-tau10");
        assertEquals(Treatment.FD_LM, lm10.treatment());
        assertEquals(Distance.LOGIT_MATCHING, lm10.treatment().distance());
        assertEquals(10.0, lm10.tau());
        assertEquals(5.0, lm10.beta(), "keys not swept keep the loss section's values");
        assertEquals(LossConfig.defaults().alpha(), lm10.alpha());
    }

    @Test
    void aSweepOverAnUnknownKeyNamesTheValidKeys() throws IOException {
        String message = failure(MINIMAL + "sweep:\n  - {key: loss.tua, values: [1]}\n");
        assertTrue(message.contains("sweep[0].key") && message.contains("loss.tua") && message.contains("loss.tau"),
                message);
    }

    @Test
    void aSweepValueOutOfRangeNamesItsPlaceAndWhatIsExpected() throws IOException {
        String message = failure(MINIMAL + "sweep:\n  - {key: loss.tau, values: [1, -2, x]}\n");
        assertTrue(message.contains("sweep[0].values[1]") && message.contains("-2") && message.contains("> 0"),
                message);
        assertTrue(message.contains("sweep[0].values[2]") && message.contains("a number"), message);
    }

    @Test
    void aSweepAxisWithoutValuesNamesItsKeyAndLine() throws IOException {
        // MINIMAL has nine lines: "sweep:" is line 10, the axis line 11.
        String message = failure(MINIMAL + "sweep:\n  - {key: loss.tau, values: []}\n");
        assertTrue(message.contains("job.yaml:11:") && message.contains("sweep[0].values: got [], expected at least one"
                + " value"), message);
    }

    @Test
    void aSweepValueWithoutDistillationIsRefused() throws IOException {
        String message = failure(MINIMAL + "sweep:\n  - {key: loss.lambda, values: [0, 1]}\n");
        assertTrue(message.contains("sweep[0].values[0]") && message.contains("lambda > 0"), message);
    }

    @Test
    void lowestNfrNeedsTheBaselineAndAnyRuleButLastNeedsValidation() throws IOException {
        String message = failure(MINIMAL + "compare_baseline: false\nselection: {rule: lowest_nfr}\n");
        assertTrue(message.contains("selection.rule") && message.contains("compare_baseline"), message);
        message = failure(MINIMAL + "selection: {rule: lowest_error}\n", "data.validation_fraction=0");
        assertTrue(message.contains("selection.rule") && message.contains("validation_fraction"), message);
        message = failure(MINIMAL + "selection: {rule: best}\n");
        assertTrue(message.contains("selection.rule") && message.contains("lowest_nfr"), message);
        message = failure(MINIMAL + "selection: {patience: -1}\n");
        assertTrue(message.contains("selection.patience"), message);
    }

    @Test
    void theEffectiveConfigWritesSelectionAndSweepAndLoadsBackEqual() throws IOException {
        JobConfig config = load(MINIMAL + """
                selection: {rule: lowest_error, patience: 2, evaluate_test: selected}
                sweep:
                  - {key: loss.beta, values: [1, 5.5]}
                """);
        Path written = dir.resolve("effective.yaml");
        Files.writeString(written, config.toYaml());
        assertEquals(config, JobConfigLoader.load(written));
    }
}
