package dev.pct.train.update;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Saved logits must hold samples × classes values per split; the counts below are worked by hand. */
class OldLogitsTest {

    @Test
    void eachSplitHoldsSamplesTimesClassesValuesWhereTheRunReadsIt() {
        // 2 classes: 4 training, 0 validation and 3 test samples are 8, 0 and 6 values.
        OldLogits fits = new OldLogits(new float[8], new float[0], new float[6]);
        assertDoesNotThrow(() -> fits.checkFits(4, 0, 3, 2, true));
        // Training logits that a run without distillation does not read may be left out, not be wrong.
        OldLogits noTrain = new OldLogits(new float[0], new float[0], new float[6]);
        assertDoesNotThrow(() -> noTrain.checkFits(4, 0, 3, 2, false));
        assertThrows(IllegalArgumentException.class, () -> noTrain.checkFits(4, 0, 3, 2, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OldLogits(new float[8], new float[0], new float[5]).checkFits(4, 0, 3, 2, true));
        assertEquals("old logits of the test split hold 5 values, expected 3 samples × 2 classes", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new OldLogits(new float[8], new float[2], new float[6]).checkFits(4, 2, 3, 2, true));
        assertEquals("old logits of the validation split hold 2 values, expected 2 samples × 2 classes",
                e.getMessage());
    }
}
