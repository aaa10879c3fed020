package dev.pct.train.data;

import java.util.Objects;

/**
 * A training set and a test set drawn from the same source.
 *
 * @param train the training set
 * @param test the test set
 * @param <S> the kind of source
 */
public record TrainTestSets<S extends SampleSource>(S train, S test) {

    /** Checks that both sets are present and have the same class count and, when fixed, sample shape. */
    public TrainTestSets {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        if (train.numClasses() != test.numClasses() || train.channels() != test.channels()
                || !Objects.equals(train.fixedShape(), test.fixedShape())) {
            throw new IllegalArgumentException(
                    "train " + train + " and test " + test + " differ in shape or class count");
        }
    }
}
