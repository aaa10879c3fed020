package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

    @Test
    void medianOfOddAndEvenCountsAndNaNsLeftOut() {
        assertEquals(new Spread(3, 1, 9, 3), Spread.of(9, 1, 3));
        assertEquals(new Spread(2.5, 1, 9, 4), Spread.of(9, 1, 3, 2));
        assertEquals(new Spread(2, 1, 3, 2), Spread.of(List.of(3.0, Double.NaN, 1.0)));
        assertEquals(Spread.NONE, Spread.of());
    }

    @Test
    void withinNeedsTwoSamplesAndBothSidesInside() {
        assertTrue(Spread.of(4, 5, 6).within(0.2));
        assertFalse(Spread.of(3.9, 5, 6).within(0.2));
        assertFalse(Spread.of(4, 5, 6.1).within(0.2));
        assertFalse(Spread.of(5).within(0.2), "one sample says nothing about the spread");
        assertFalse(Spread.NONE.within(0.2));
    }

    @Test
    void ratioBoundsTakeOppositeEnds() {
        // (30, 33, 36) / (20, 20, 25): median 33 / 20, min 30 / 25, max 36 / 20.
        Spread r = Spread.ratio(Spread.of(30, 33, 36), Spread.of(20, 20, 25));
        assertEquals(1.65, r.median(), 1e-12);
        assertEquals(1.2, r.min(), 1e-12);
        assertEquals(1.8, r.max(), 1e-12);
        assertEquals(3, r.samples());
        assertEquals(1, Spread.ratio(Spread.of(1), Spread.of(1, 2)).samples());
        assertEquals(Spread.NONE, Spread.ratio(Spread.NONE, Spread.of(1, 2)));
    }
}
