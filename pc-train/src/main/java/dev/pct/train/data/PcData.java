package dev.pct.train.data;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import java.util.List;
import java.util.Objects;

/**
 * The data of a PC update: the splits as the new model sees them and, when the old model takes its own input,
 * the same samples as it sees them.
 *
 * @param train the training split, augmented when augmentation is configured
 * @param trainPlain the training split without augmentation
 * @param validation the validation split (possibly empty): what settings are chosen on
 * @param test the test set: what is reported
 * @param old the splits as the old model sees them, or null when it takes the new model's input
 * @param newInput the new model's input preparation (its normalization goes into the exported model), or
 *     null when the data comes prepared (a DJL dataset)
 * @param classNames the class names, or an empty list
 */
public record PcData(
        BatchSource train,
        BatchSource trainPlain,
        BatchSource validation,
        BatchSource test,
        OldViews old,
        ModelInput newInput,
        List<String> classNames) {

    /**
     * The splits prepared for the old model; the augmented training view is augmented exactly like the new
     * model's (same per-batch seeds).
     *
     * @param train the training split, augmented like {@link PcData#train()}
     * @param trainPlain the training split without augmentation
     * @param validation the validation split
     * @param test the test set
     */
    public record OldViews(BatchSource train, BatchSource trainPlain, BatchSource validation, BatchSource test) {}

    /** Checks the splits agree on classes. */
    public PcData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(trainPlain, "trainPlain");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        int classes = train.numClasses();
        for (BatchSource s : List.of(trainPlain, validation, test)) {
            if (s.numClasses() != classes) {
                throw new IllegalArgumentException("the splits disagree on the number of classes: " + classes + " and "
                        + s.numClasses());
            }
        }
    }

    /**
     * Returns the number of classes.
     *
     * @return the classes of the training split
     */
    public int classes() {
        return train.numClasses();
    }

    /**
     * Returns the training split as the old model sees it without augmentation.
     *
     * @return the old model's view, or the new model's when it has none of its own
     */
    public BatchSource oldTrainPlain() {
        return old == null ? trainPlain : old.trainPlain();
    }

    /**
     * Returns the validation split as the old model sees it.
     *
     * @return the old model's view, or the new model's
     */
    public BatchSource oldValidation() {
        return old == null ? validation : old.validation();
    }

    /**
     * Returns the test set as the old model sees it.
     *
     * @return the old model's view, or the new model's
     */
    public BatchSource oldTest() {
        return old == null ? test : old.test();
    }

    /**
     * Makes the data of DJL datasets, which both models see as they are (with the datasets' transforms).
     *
     * @param train the training set
     * @param validation the validation set, or null for none
     * @param test the test set
     * @param classes the number of classes
     * @param manager a manager for reading the labels once
     * @return the data
     */
    public static PcData of(RandomAccessDataset train, RandomAccessDataset validation, RandomAccessDataset test,
            int classes, NDManager manager) {
        DatasetBatches trainBatches = DatasetBatches.of(train, classes, manager);
        BatchSource validationBatches = validation == null ? EmptyBatches.like(trainBatches)
                : DatasetBatches.of(validation, classes, manager);
        return new PcData(trainBatches, trainBatches, validationBatches, DatasetBatches.of(test, classes, manager),
                null, null, List.of());
    }
}
