package dev.pct.train.reference;

import dev.pct.train.io.Spelling;

/** What the distillation term pulls the new model toward; YAML {@code loss.reference}. */
public enum ReferenceSource {
    /** The old model's logits (the paper's focal distillation). */
    OLD,

    /**
     * The mean logits of {@code loss.ensemble_members} plain retrains of the new architecture with different
     * seeds (the seed's own plain retrain is the first), as ELODI's reference (Zhao et al., TPAMI 2024).
     */
    ENSEMBLE;

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
