package dev.pct.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class ChartsTest {
    // Sums and differences of a few doubles: within a few ulps of the decimals written here.
    private static final double EPS = 1e-12;

    @Test
    void axesSpanThePointsWithAFifthOfTheirSpanOnEachSide() {
        // NFR 1.39..2.26: span 0.87, margin 0.174.
        assertArrayEquals(new double[] {1.216, 2.434}, Charts.Range.padded(new double[] {1.39, 2.26}), EPS);
        // Error 7.91..8.33: span 0.42 is widened to 0.5 around 8.12, then 0.1 on each side.
        assertArrayEquals(new double[] {7.77, 8.47}, Charts.Range.padded(new double[] {7.91, 8.33}), EPS);
        // Rates are not negative: 0.1..0.2 would start at -0.2.
        assertArrayEquals(new double[] {0, 0.5}, Charts.Range.padded(new double[] {0.1, 0.2}), EPS);
    }

    @Test
    void errorVersusNfrStartsNearTheNewModelsAndNamesTheOldOneInTheTitleWhenFarAway() {
        // The default job's figures: the old model's 13.45% error is far above the new models'.
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        points.put("baseline", List.of(new double[] {0.0226, 0.0791}));
        points.put("pc", List.of(new double[] {0.0139, 0.0833}));
        XYChart chart = Charts.errorVersusNegativeFlipRateChart(points, List.of(0.1345), 800, 500, false);
        assertEquals(1.216, chart.getStyler().getXAxisMin(), EPS);
        assertEquals(2.434, chart.getStyler().getXAxisMax(), EPS);
        assertEquals(7.77, chart.getStyler().getYAxisMin(), EPS);
        assertEquals(8.47, chart.getStyler().getYAxisMax(), EPS);
        assertTrue(chart.getTitle().contains("old model: 13.45% error, NFR 0"), chart.getTitle());
        assertFalse(chart.getSeriesMap().containsKey("old (reference)"));
        assertEquals("baseline (plain retrain)", Charts.displayName("baseline"));
        assertEquals("pc", Charts.displayName("pc"));

        // An old model within reach (NFR 0 is on the axis, its error inside the range) is a point of its own.
        Map<String, List<double[]>> near = Map.of("pc", List.of(new double[] {0.001, 0.30}));
        XYChart close = Charts.errorVersusNegativeFlipRateChart(near, List.of(0.301), 800, 500, false);
        assertTrue(close.getSeriesMap().containsKey("old (reference)"));
        assertEquals("Test error vs negative flip rate", close.getTitle());
    }
}
