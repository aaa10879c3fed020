package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which epoch of a trained model is kept: the rule is applied to the validation split only. */
public enum SelectionRule implements ConfigEnum {
    /** The last epoch (no selection). */
    LAST("last"),

    /** Every new model keeps its epoch of lowest validation error (the plain retrain's usual rule). */
    LOWEST_ERROR("lowest_error"),

    /**
     * The plain retrain keeps its epoch of lowest validation error; a PC model keeps, among its epochs whose
     * validation error is at most the plain retrain's lowest plus {@code selection.error_margin}, the one of
     * lowest validation NFR (ties: lower validation error, then the earlier epoch). When no epoch is within the
     * bound, the PC model's lowest-error epoch is kept and the report says so.
     */
    LOWEST_NFR("lowest_nfr");

    private final String spelling;

    SelectionRule(String spelling) {
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
    public static SelectionRule fromSpelling(String text) {
        return ConfigEnum.fromSpelling(SelectionRule.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
