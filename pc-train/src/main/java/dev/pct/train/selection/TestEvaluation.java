package dev.pct.train.selection;

import dev.pct.train.io.Spelling;

/**
 * When a stage scores the test split. The test figures are only ever reported (epochs and settings are chosen on
 * the validation split), so this changes what the report can draw, not what is trained or kept.
 */
public enum TestEvaluation {
    /** After every epoch, beside the validation split: the learning curves then show test error and NFR. */
    EVERY_EPOCH,

    /**
     * Once, for the epoch the stage keeps: per epoch only the validation split is scored, which is what a large
     * test set asks for.
     */
    SELECTED;

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
