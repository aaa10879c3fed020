package dev.pct.train.data;

import java.util.Objects;

/**
 * A training split and a held-out validation split of one training set; each keeps the samples'
 * indices in the original set in {@link SampleSource#sourceIndices()}.
 *
 * @param train the samples to train on
 * @param validation the held-out samples (may be empty)
 * @param <S> the kind of source
 */
public record TrainValidation<S extends SampleSource>(S train, S validation) {

    /** Checks that both splits are present. */
    public TrainValidation {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
    }
}
