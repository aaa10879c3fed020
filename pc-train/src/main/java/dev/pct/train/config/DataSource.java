package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where the training and test images come from. */
public enum DataSource implements ConfigEnum {
    /** IDX files (MNIST, Fashion-MNIST), gzipped or not, in the folder {@code data.path}. */
    IDX("idx"),

    /** CIFAR-10 binary batches in the folder {@code data.path}. */
    CIFAR10("cifar10"),

    /** CIFAR-100 binary files in the folder {@code data.path}. */
    CIFAR100("cifar100"),

    /** {@code data.path}/train and /test, one sub-folder of images per class. */
    IMAGE_FOLDER("image-folder"),

    /** Generated Gaussian class clusters, see {@code data.synthetic}; needs no files. */
    SYNTHETIC("synthetic");

    private final String spelling;

    DataSource(String spelling) {
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
    public static DataSource fromSpelling(String text) {
        return ConfigEnum.fromSpelling(DataSource.class, text);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
