package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the old (reference) model is obtained. */
public enum OldModelSource implements ConfigEnum {
    /** Train it in this job from {@code old_model.architecture}. */
    TRAIN("train"),

    /** Load saved parameters from {@code old_model.checkpoint} into {@code old_model.architecture}. */
    CHECKPOINT("checkpoint"),

    /** Read its saved logits on the train and test sets from CSV files; no model is built. */
    LOGITS("logits"),

    /** A TorchScript file ({@code old_model.file}), run by DJL's PyTorch engine. */
    TORCHSCRIPT("torchscript"),

    /** An ONNX file ({@code old_model.file}), run by DJL's ONNX Runtime engine (inference only). */
    ONNX("onnx"),

    /** A DJL model directory ({@code old_model.file}), e.g. a new model pct exported from an earlier update. */
    DJL("djl");

    private final String spelling;

    OldModelSource(String spelling) {
        this.spelling = spelling;
    }

    @JsonValue
    @Override
    public String spelling() {
        return spelling;
    }

    /**
     * Returns the constant written {@code text} in YAML.
     *
     * @param text the YAML spelling
     * @return the constant
     * @throws IllegalArgumentException if {@code text} is not a valid spelling
     */
    @JsonCreator
    public static OldModelSource fromSpelling(String text) {
        return ConfigEnum.fromSpelling(OldModelSource.class, text);
    }

    /**
     * Returns whether this source is a model file run as it is.
     *
     * @return true for torchscript, onnx and djl
     */
    public boolean isFile() {
        return this == TORCHSCRIPT || this == ONNX || this == DJL;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
