package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Network family a model is built from. */
public enum ArchitectureType implements ConfigEnum {
    /** Multilayer perceptron with hidden layer widths {@code hidden}. */
    MLP("mlp"),

    /** Small convolutional network: conv blocks of widths {@code channels}, then dense layers {@code hidden}. */
    CNN("cnn"),

    /** LeNet-5 style network. */
    LENET("lenet"),

    /** Residual network (ResNet v1) of {@code depth} layers. */
    RESNET("resnet");

    private final String spelling;

    ArchitectureType(String spelling) {
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
    public static ArchitectureType fromSpelling(String text) {
        return ConfigEnum.fromSpelling(ArchitectureType.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
