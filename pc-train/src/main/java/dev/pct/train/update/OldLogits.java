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

    /**
     * Checks that each split's logits fit the data: samples × classes values, the training split's only when the
     * run reads them, the validation split's when there are any.
     *
     * @param trainSamples the training split's samples
     * @param validationSamples the validation split's samples
     * @param testSamples the test split's samples
     * @param classes the data's classes
     * @param trainNeeded whether the run reads the training split's logits (a setting distils)
     * @throws IllegalArgumentException naming the split, the values it holds and the values expected
     */
    public void checkFits(int trainSamples, int validationSamples, int testSamples, int classes, boolean trainNeeded) {
        checkRows("train", train, trainSamples, classes, trainNeeded);
        checkRows("validation", validation, validationSamples, classes, false);
        checkRows("test", test, testSamples, classes, true);
    }

    private static void checkRows(String split, float[] logits, int samples, int classes, boolean required) {
        if ((required || logits.length > 0) && logits.length != (long) samples * classes) {
            throw new IllegalArgumentException("old logits of the " + split + " split hold " + logits.length
                    + " values, expected " + samples + " samples × " + classes + " classes");
        }
    }
}
