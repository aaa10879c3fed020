package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How the per-class distillation distance is reduced to one number per sample. */
public enum ClassReduction implements ConfigEnum {
    /** Sum over classes (the usual KL definition). */
    SUM("sum"),

    /** Mean over classes (the sum divided by the number of classes). */
    MEAN("mean");

    private final String spelling;

    ClassReduction(String spelling) {
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
    public static ClassReduction fromSpelling(String text) {
        return ConfigEnum.fromSpelling(ClassReduction.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
