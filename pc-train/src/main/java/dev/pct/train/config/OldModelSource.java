package dev.pct.train.config;

import dev.pct.train.io.Spelling;

/** How the old (reference) model is obtained. */
public enum OldModelSource {
    /** Train it in this job from {@code old_model.architecture}. */
    TRAIN,

    /** Load saved parameters from {@code old_model.checkpoint} into {@code old_model.architecture}. */
    CHECKPOINT,

    /** Read its saved logits on the train and test sets from CSV files; no model is built. */
    LOGITS,

    /** A TorchScript file ({@code old_model.file}), run by DJL's PyTorch engine. */
    TORCHSCRIPT,

    /** An ONNX file ({@code old_model.file}), run by DJL's ONNX Runtime engine (inference only). */
    ONNX,

    /** A DJL model directory ({@code old_model.file}), e.g. a new model pct exported from an earlier update. */
    DJL;

    /**
     * Returns whether this source is a model file run as it is.
     *
     * @return true for torchscript, onnx and djl
     */
    public boolean isFile() {
        return this == TORCHSCRIPT || this == ONNX || this == DJL;
    }

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
