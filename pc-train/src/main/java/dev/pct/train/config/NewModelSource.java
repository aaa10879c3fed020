package dev.pct.train.config;

import dev.pct.train.io.Spelling;

/** Where the new model's network and starting weights come from. */
public enum NewModelSource {
    /** A built-in architecture ({@code new_model.architecture}) trained from scratch. */
    ARCHITECTURE,

    /** A pretrained TorchScript backbone or classifier ({@code new_model.file}), fine-tuned. */
    TORCHSCRIPT,

    /** A built-in architecture whose pretrained weights are a DJL parameter file ({@code new_model.file}). */
    PARAMS,

    /**
     * The old model's architecture and weights ({@code old_model.source} train or checkpoint), fine-tuned: the
     * update of a data-growth scenario, where weight interpolation applies.
     */
    OLD;

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
