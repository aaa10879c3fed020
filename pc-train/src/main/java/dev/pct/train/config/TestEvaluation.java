package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * When a stage scores the test split. The test figures are only ever reported (epochs and settings are chosen on
 * the validation split), so this changes what the report can draw, not what is trained or kept.
 */
public enum TestEvaluation implements ConfigEnum {
    /** After every epoch, beside the validation split: the learning curves then show test error and NFR. */
    EVERY_EPOCH("every_epoch"),

    /**
     * Once, for the epoch the stage keeps: per epoch only the validation split is scored, which is what a large
     * test set asks for.
     */
    SELECTED("selected");

    private final String spelling;

    TestEvaluation(String spelling) {
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
    public static TestEvaluation fromSpelling(String text) {
        return ConfigEnum.fromSpelling(TestEvaluation.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
