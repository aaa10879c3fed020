package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the distillation term pulls the new model toward; YAML {@code loss.reference}. */
public enum ReferenceSource implements ConfigEnum {
    /** The old model's logits (the paper's focal distillation). */
    OLD("old"),

    /**
     * The mean logits of {@code loss.ensemble_members} plain retrains of the new architecture with different
     * seeds (the seed's own plain retrain is the first), as ELODI's reference (Zhao et al., TPAMI 2024).
     */
    ENSEMBLE("ensemble");

    private final String spelling;

    ReferenceSource(String spelling) {
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
    public static ReferenceSource fromSpelling(String text) {
        return ConfigEnum.fromSpelling(ReferenceSource.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
