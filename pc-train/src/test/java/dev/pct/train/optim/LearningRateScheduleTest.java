package dev.pct.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Rates are closed forms evaluated in double (a product, Math.pow, Math.cos: cos(pi/2) is 6e-17, not 0): 1e-12 only
 * absorbs the last bits.
 */
class LearningRateScheduleTest {
    @Test
    void warmupRisesLinearlyToTheBaseRate() {
        LearningRateSchedule s =
                new LearningRateSchedule(LearningRateSchedule.Type.CONSTANT, 0.4, 4, 100, 1, 1, 0);
        assertEquals(0.1, s.rateAt(0), 1e-12);
        assertEquals(0.2, s.rateAt(1), 1e-12);
        assertEquals(0.4, s.rateAt(3), 1e-12);
        assertEquals(0.4, s.rateAt(50), 1e-12);
    }

    @Test
    void stepDecayMultipliesByGammaEveryStepSize() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Type.STEP, 1.0, 0, 100, 10, 0.1, 0);
        assertEquals(1.0, s.rateAt(9), 1e-12);
        assertEquals(0.1, s.rateAt(10), 1e-12);
        assertEquals(0.01, s.rateAt(25), 1e-12);
    }

    @Test
    void cosineGoesFromBaseToMinimumOverTheRun() {
        // 2 warm-up steps, then 9 steps of cosine: steps 2..10, last one at the minimum.
        LearningRateSchedule s =
                new LearningRateSchedule(LearningRateSchedule.Type.COSINE, 1.0, 2, 11, 1, 1, 0.1);
        assertEquals(1.0, s.rateAt(2), 1e-12);
        // Halfway (after 4 of 8 intervals): cos(pi/2) = 0, so the mean of base and minimum.
        assertEquals(0.55, s.rateAt(6), 1e-12);
        assertEquals(0.1, s.rateAt(10), 1e-12);
    }

    @Test
    void rejectsANonPositiveRate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LearningRateSchedule(LearningRateSchedule.Type.CONSTANT, 0, 0, 1, 1, 1, 0));
        assertEquals(true, e.getMessage().contains("0.0"), e.getMessage());
    }
}
