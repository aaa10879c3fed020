package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Gradient descent variant used for training. */
public enum OptimizerType implements ConfigEnum {
    /** Stochastic gradient descent with (heavy-ball) momentum. */
    SGD("sgd"),

    /** Stochastic gradient descent with Nesterov momentum. */
    NESTEROV("nesterov"),

    /** Adam. */
    ADAM("adam");

    private final String spelling;

    OptimizerType(String spelling) {
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
    public static OptimizerType fromSpelling(String text) {
        return ConfigEnum.fromSpelling(OptimizerType.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
