package dev.pct.train.reference;

import dev.pct.train.io.Spelling;

/**
 * Whose correctness the loss's filter reads ({@code old_correct}, {@code negative_flip}) when the reference is
 * not the old model; YAML {@code loss.weights_from}.
 */
public enum WeightsFrom {
    /** The old model's: the weights favour the samples the old model got right, whatever the reference. */
    OLD,

    /** The reference's own decisions (with {@code reference: old}, the same thing). */
    REFERENCE;

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
