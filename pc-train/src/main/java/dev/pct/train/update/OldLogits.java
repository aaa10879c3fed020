package dev.pct.train.update;

import java.util.Objects;

/**
 * An old model known only by its saved logits (any framework's), row-major N×C in the order of each split.
 * Without the model itself, augmentation cannot be used: augmented images would need new logits.
 *
 * @param train logits of the training split (the samples the new model trains on)
 * @param validation logits of the validation split, or an empty array when there is none
 * @param test logits of the test set
 */
public record OldLogits(float[] train, float[] validation, float[] test) {

    /** Checks the arrays are there. */
    public OldLogits {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
    }
}
