package dev.pct.train.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepChoiceTest {

    /** {validation error, validation NFR}: a is the most accurate, c the fewest flips, b between. */
    private static Map<String, double[]> sweep() {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("a", new double[] {0.099, 0.020});
        m.put("b", new double[] {0.102, 0.015});
        m.put("c", new double[] {0.105, 0.010});
        return m;
    }

    private static SelectionSettings rule(SelectionRule rule, double margin) {
        return new SelectionSettings(rule, margin, 0, TestEvaluation.EVERY_EPOCH);
    }

    @Test
    void lowestNfrWithinTheBaselinesErrorPlusTheMargin() {
        // Bound 0.100 + 0.003 = 0.103 admits a and b; b has the lower NFR.
        assertEquals("b", SweepChoice.choose(sweep(), 0.100, rule(SelectionRule.LOWEST_NFR, 0.003)));
        // A margin of 0.006 admits c as well.
        assertEquals("c", SweepChoice.choose(sweep(), 0.100, rule(SelectionRule.LOWEST_NFR, 0.006)));
        // The defaults (rule last, margin 0.003) choose the sweep's setting the same way.
        assertEquals("b", SweepChoice.choose(sweep(), 0.100, null));
    }

    @Test
    void withoutABaselineAnyErrorIsAdmittedAndWhenNoneIsTheLowestErrorIsTaken() {
        assertEquals("c", SweepChoice.choose(sweep(), Double.NaN, rule(SelectionRule.LOWEST_NFR, 0.003)));
        // Bound 0.090 + 0.003 admits none: the fallback is the lowest validation error.
        assertEquals("a", SweepChoice.choose(sweep(), 0.090, rule(SelectionRule.LOWEST_NFR, 0.003)));
    }

    @Test
    void lowestErrorIgnoresFlipsAndTheBaseline() {
        assertEquals("a", SweepChoice.choose(sweep(), 0.100, rule(SelectionRule.LOWEST_ERROR, 0.003)));
        assertNull(SweepChoice.choose(new LinkedHashMap<>(), 0.100, rule(SelectionRule.LOWEST_ERROR, 0.003)));
    }

    @Test
    void onlyLowestNfrBoundsTheKeptEpochsError() {
        assertEquals(0.103, rule(SelectionRule.LOWEST_NFR, 0.003).errorBound(0.100), 1e-15);
        assertEquals(Double.NaN, rule(SelectionRule.LOWEST_ERROR, 0.003).errorBound(0.100));
        assertEquals(Double.NaN, rule(SelectionRule.LAST, 0.003).errorBound(0.100));
    }
}
