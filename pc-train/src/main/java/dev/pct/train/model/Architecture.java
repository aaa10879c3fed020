package dev.pct.train.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The network families {@link ModelFactory} builds; written in lower case in job files and model directories. */
public enum Architecture {
    /** Multilayer perceptron: flatten, hidden dense layers, a linear classifier. */
    MLP,
    /** Small VGG-style network: convolution blocks, then the dense head of {@link #MLP}. */
    CNN,
    /** LeNet-5 (LeCun et al. 1998) with ReLU and max pooling. */
    LENET,
    /** DJL's ResNet v1 (He et al. 2016). */
    RESNET;

    /**
     * Returns how this architecture is written in job files and model directories.
     *
     * @return the lower-case name, e.g. {@code cnn}
     */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Returns the architecture written {@code text}.
     *
     * @param text the name, any case, surrounding blanks ignored
     * @return the architecture
     * @throws IllegalArgumentException naming the valid names if {@code text} is none of them
     */
    public static Architecture of(String text) {
        String name = text == null ? "" : text.strip();
        for (Architecture a : values()) {
            if (a.spelling().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown model type '" + text + "', expected one of "
                + Arrays.stream(values()).map(Architecture::spelling).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return spelling();
    }
}
