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
    LOGITS("logits");

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

    @Override
    public String toString() {
        return spelling;
    }
}
