package dev.pct.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void etaIsTheRemainingStepsAtThePaceSoFar() {
        // 10 steps took 20 s: 2 s a step, 30 more take 60 s.
        assertEquals("1:00", Progress.eta(10, 30, 20.0));
        // 1 step in 1.5 s, 5000 more: 7500 s = 2 h 5 min 0 s.
        assertEquals("2:05:00", Progress.eta(1, 5000, 1.5));
        // Nothing done yet: no pace, no time.
        assertEquals("0:00", Progress.eta(0, 100, 0.0));
    }
}
