package dev.pct.train.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The epoch rules on hand-made validation sequences, worked out in the comments. */
class EpochSelectionTest {

    private static EpochSelection offered(EpochSelection.Spec spec, double[][] errorAndNfr) {
        EpochSelection s = new EpochSelection(spec);
        for (int e = 0; e < errorAndNfr.length; e++) {
            s.offer(e + 1, errorAndNfr[e][0], errorAndNfr[e][1]);
        }
        return s;
    }

    // Epoch:            1           2            3            4            5
    private static final double[][] RUN = {
        {0.20, 0.05}, {0.12, 0.030}, {0.10, 0.025}, {0.11, 0.015}, {0.10, 0.020}};

    @Test
    void lastKeepsTheLastEpoch() {
        assertNull(new EpochSelection(EpochSelection.Spec.LAST).choice());
        assertEquals(new EpochSelection.Choice(5, false), offered(EpochSelection.Spec.LAST, RUN).choice());
    }

    @Test
    void lowestErrorTakesTheEarlierOfEqualErrors() {
        // Errors 0.20, 0.12, 0.10, 0.11, 0.10: the lowest is 0.10 at epochs 3 and 5; the earlier wins.
        EpochSelection s = offered(new EpochSelection.Spec(SelectionRule.LOWEST_ERROR, Double.NaN, 0), RUN);
        assertEquals(new EpochSelection.Choice(3, false), s.choice());
    }

    @Test
    void lowestNfrWithinTheBound() {
        // Bound 0.105: epochs 3 (0.10, 0.025) and 5 (0.10, 0.020) qualify; epoch 4 has the lowest NFR (0.015)
        // but its error 0.11 is over the bound. Epoch 5 wins.
        assertEquals(new EpochSelection.Choice(5, false),
                offered(new EpochSelection.Spec(SelectionRule.LOWEST_NFR, 0.105, 0), RUN).choice());
        // Bound 0.11 admits epoch 4 (0.11 <= 0.11): lowest NFR 0.015.
        assertEquals(new EpochSelection.Choice(4, false),
                offered(new EpochSelection.Spec(SelectionRule.LOWEST_NFR, 0.11, 0), RUN).choice());
    }

    @Test
    void equalNfrPrefersTheLowerErrorThenTheEarlierEpoch() {
        double[][] run = {{0.12, 0.02}, {0.10, 0.02}, {0.10, 0.02}};
        assertEquals(new EpochSelection.Choice(2, false),
                offered(new EpochSelection.Spec(SelectionRule.LOWEST_NFR, 0.2, 0), run).choice());
    }

    @Test
    void noEpochWithinTheBoundFallsBackToTheLowestError() {
        EpochSelection s = offered(new EpochSelection.Spec(SelectionRule.LOWEST_NFR, 0.05, 3), RUN);
        assertEquals(new EpochSelection.Choice(3, true), s.choice());
        assertFalse(s.stop(), "patience does not count before an epoch meets the bound");
    }

    @Test
    void patienceStopsAfterThatManyEpochsWithoutANewChoice() {
        EpochSelection s = new EpochSelection(new EpochSelection.Spec(SelectionRule.LOWEST_ERROR, Double.NaN, 2));
        s.offer(1, 0.30, Double.NaN);
        s.offer(2, 0.20, Double.NaN);
        assertFalse(s.stop());
        s.offer(3, 0.25, Double.NaN);
        assertFalse(s.stop(), "one epoch since the choice (2)");
        s.offer(4, 0.21, Double.NaN);
        assertTrue(s.stop(), "two epochs since the choice (2)");
        EpochSelection off = offered(new EpochSelection.Spec(SelectionRule.LOWEST_ERROR, Double.NaN, 0), RUN);
        assertFalse(off.stop(), "patience 0 never stops");
    }

    @Test
    void offeringAnEpochAgainReplacesItsFigures() {
        EpochSelection s = offered(new EpochSelection.Spec(SelectionRule.LOWEST_ERROR, Double.NaN, 0), RUN);
        s.offer(3, 0.5, 0.5);
        assertEquals(new EpochSelection.Choice(5, false), s.choice());
    }

    /**
     * What the runner relies on: the final choice was the choice when its epoch was offered, so saving the
     * parameters of each epoch that is the current choice leaves the final choice's parameters on disk.
     */
    @Test
    void theFinalChoiceWasTheChoiceWhenItsEpochWasOffered() {
        Random random = new Random(7);
        for (SelectionRule rule : SelectionRule.values()) {
            for (int trial = 0; trial < 500; trial++) {
                EpochSelection s = new EpochSelection(new EpochSelection.Spec(rule, 0.1, 0));
                int epochs = 1 + random.nextInt(12);
                boolean[] choiceWhenOffered = new boolean[epochs + 1];
                for (int e = 1; e <= epochs; e++) {
                    // Coarse values so that ties happen.
                    s.offer(e, 0.05 + random.nextInt(4) * 0.025, random.nextInt(3) * 0.01);
                    choiceWhenOffered[e] = s.choice().epoch() == e;
                }
                int finalChoice = s.choice().epoch();
                assertTrue(choiceWhenOffered[finalChoice], rule + " trial " + trial + ": epoch " + finalChoice);
            }
        }
    }
}
