package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whose correctness the loss's filter reads ({@code old_correct}, {@code negative_flip}) when the reference is
 * not the old model; YAML {@code loss.weights_from}.
 */
public enum WeightsFrom implements ConfigEnum {
    /** The old model's: the weights favour the samples the old model got right, whatever the reference. */
    OLD("old"),

    /** The reference's own decisions (with {@code reference: old}, the same thing). */
    REFERENCE("reference");

    private final String spelling;

    WeightsFrom(String spelling) {
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
    public static WeightsFrom fromSpelling(String text) {
        return ConfigEnum.fromSpelling(WeightsFrom.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
