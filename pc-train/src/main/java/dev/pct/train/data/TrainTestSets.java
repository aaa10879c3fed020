package dev.pct.train.data;

import java.util.Objects;

/**
 * A training set and a test set drawn from the same source.
 *
 * @param train the training set
 * @param test the test set
 */
public record TrainTestSets(ImageSet train, ImageSet test) {

    /** Checks that both sets are present and have the same sample shape and class count. */
    public TrainTestSets {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.channels() != test.channels()
                || train.height() != test.height()
                || train.width() != test.width()
                || train.numClasses() != test.numClasses()) {
            throw new IllegalArgumentException(
                    "train " + train + " and test " + test + " differ in shape or class count");
        }
    }
}
