package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where the new model's network and starting weights come from. */
public enum NewModelSource implements ConfigEnum {
    /** A built-in architecture ({@code new_model.architecture}) trained from scratch. */
    ARCHITECTURE("architecture"),

    /** A pretrained TorchScript backbone or classifier ({@code new_model.file}), fine-tuned. */
    TORCHSCRIPT("torchscript"),

    /** A built-in architecture whose pretrained weights are a DJL parameter file ({@code new_model.file}). */
    PARAMS("params");

    private final String spelling;

    NewModelSource(String spelling) {
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
    public static NewModelSource fromSpelling(String text) {
        return ConfigEnum.fromSpelling(NewModelSource.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
