package dev.pct.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A labelled data set that makes whole batches: on the host first ({@link #prepare}, which worker threads run
 * ahead of the training step), then in one tensor creation.
 */
public interface BatchSource {

    /**
     * Returns the number of samples.
     *
     * @return the number of samples
     */
    int size();

    /**
     * Returns the label of every sample.
     *
     * @return the labels, one per sample (not to be modified)
     */
    int[] labels();

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    int numClasses();

    /**
     * Returns the shape of one sample, e.g. (channels, height, width).
     *
     * @return the sample shape
     */
    Shape sampleShape();

    /**
     * Makes the input batch of some samples, normalized, and augmented when a random source is given.
     *
     * @param manager the owner of the batch
     * @param indices the samples, in batch order
     * @param augment the random source of augmentation, or {@code null} for none
     * @return the batch, shape (B, sample shape...)
     */
    NDArray images(NDManager manager, int[] indices, Random augment);

    /**
     * Prepares the input batch of some samples as far as it goes without the engine, for a worker thread:
     * reading, decoding, augmenting and normalizing. Must be safe to call from several threads at once.
     * The default defers everything to {@link HostBatch#create}, on the training thread.
     *
     * @param indices the samples, in batch order
     * @param augment the random source of augmentation, or {@code null} for none
     * @return the batch, ready to be created
     */
    default HostBatch prepare(int[] indices, Random augment) {
        return manager -> images(manager, indices, augment);
    }

    /**
     * Returns what identifies the samples, in order, for the teacher cache (see {@link
     * dev.pct.train.data.SampleSource#fingerprint}).
     *
     * @return the fingerprint; the default names the class and the size only
     */
    default String fingerprint() {
        return getClass().getName() + " of " + size() + " samples";
    }

    /**
     * Describes how samples are prepared before a model sees them (size, channels, normalization), for the
     * teacher cache.
     *
     * @return the description; the default says nothing beyond the sample shape
     */
    default String inputDescription() {
        return "samples of shape " + sampleShape();
    }

    /**
     * Tells whether {@link #images} changes a sample when given a random source.
     *
     * @return true when augmentation is configured
     */
    boolean augments();
}
