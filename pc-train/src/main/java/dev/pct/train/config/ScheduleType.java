package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Learning-rate schedule over epochs (after an optional linear warm-up). */
public enum ScheduleType implements ConfigEnum {
    /** Constant learning rate. */
    CONSTANT("constant"),

    /** Multiply the rate by {@code gamma} every {@code step_epochs} epochs. */
    STEP("step"),

    /** Cosine decay from the learning rate to {@code min_learning_rate}. */
    COSINE("cosine");

    private final String spelling;

    ScheduleType(String spelling) {
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
    public static ScheduleType fromSpelling(String text) {
        return ConfigEnum.fromSpelling(ScheduleType.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
