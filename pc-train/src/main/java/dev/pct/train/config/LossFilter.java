package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which samples receive the extra focal weight beta in the distillation term. */
public enum LossFilter implements ConfigEnum {
    /** Samples the old model classifies correctly (the paper's focal distillation). */
    OLD_CORRECT("old_correct"),

    /** Every sample. */
    ALL("all"),

    /** Samples the new model currently classifies wrongly. */
    NEW_INCORRECT("new_incorrect"),

    /** Samples the old model gets right and the new model currently gets wrong. */
    NEGATIVE_FLIP("negative_flip");

    private final String spelling;

    LossFilter(String spelling) {
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
    public static LossFilter fromSpelling(String text) {
        return ConfigEnum.fromSpelling(LossFilter.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
