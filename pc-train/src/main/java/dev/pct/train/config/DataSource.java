package dev.pct.train.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pct.train.io.Spelling;

/** Where the training and test images come from. */
public enum DataSource {
    /** IDX files (MNIST, Fashion-MNIST), gzipped or not, in the folder {@code data.path}. */
    IDX,

    /** CIFAR-10 binary batches in the folder {@code data.path}. */
    CIFAR10,

    /** CIFAR-100 binary files in the folder {@code data.path}. */
    CIFAR100,

    /** {@code data.path}/train and /test, one sub-folder of images per class. */
    @JsonProperty("image-folder")
    IMAGE_FOLDER,

    /** Generated Gaussian class clusters, see {@code data.synthetic}; needs no files. */
    SYNTHETIC;

    /** Returns the constant's spelling in job files ({@link Spelling}), which messages and provenance show. */
    @Override
    public String toString() {
        return Spelling.of(this);
    }
}
