package dev.pct.train.data;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * A labelled image data set with random access to its samples: in memory ({@link ImageSet}, for IDX, CIFAR
 * and generated data) or read from files on demand ({@link ImageFolderSource}, for data sets larger than the
 * heap). Batches are made from it by a {@link BatchMaker}, on worker threads: {@link #read} must be safe to
 * call from several threads.
 */
public interface SampleSource {

    /**
     * Returns the number of samples.
     *
     * @return the number of samples
     */
    int size();

    /**
     * Returns the class of one sample.
     *
     * @param index the sample
     * @return its class, in [0, {@link #numClasses()})
     */
    int label(int index);

    /**
     * Returns the class of every sample.
     *
     * @return the classes, in sample order (not to be modified)
     */
    int[] labels();

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    int numClasses();

    /**
     * Returns the channels of every decoded sample.
     *
     * @return 1 (grayscale) or 3 (RGB), or another count for generated data
     */
    int channels();

    /**
     * Returns the class names.
     *
     * @return one name per class, or an empty list when unknown
     */
    List<String> classNames();

    /**
     * Returns where the samples come from, for messages and reports.
     *
     * @return a file or folder
     */
    String source();

    /**
     * Returns the index each sample had in the set it was first read from (kept by {@link #subset}).
     *
     * @return the original indices, in sample order (not to be modified)
     */
    int[] sourceIndices();

    /**
     * Decodes one sample. Safe to call from several threads.
     *
     * @param index the sample
     * @return its intensities in [0, 1]
     * @throws DataFormatException naming the file if the sample cannot be read
     */
    Image read(int index);

    /**
     * Returns the samples at some indices, in that order.
     *
     * @param indices indices into this source
     * @return a source of those samples (a view for sources read from files)
     */
    SampleSource subset(int[] indices);

    /**
     * Returns the size every sample has, or null when samples differ in size (an image folder is decoded at
     * each image's own size and prepared for a model by its {@link ModelInput}).
     *
     * @return (C, H, W), or null
     */
    Shape fixedShape();

    /**
     * Returns what identifies the samples, in order, for the teacher cache: a cache made from other samples
     * (another file, other splits, a changed image) is recomputed.
     *
     * @return a digest of the samples' origin, order, labels and content (or file sizes)
     */
    String fingerprint();

    /**
     * Returns the first samples.
     *
     * @param n how many, &gt;= 0
     * @return this source when it has no more than {@code n}
     */
    default SampleSource limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + n);
        }
        return n >= size() ? this : subset(ImageSet.identity(n));
    }

    /**
     * Returns how many samples each class has.
     *
     * @return counts indexed by class
     */
    default int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels()) {
            counts[label]++;
        }
        return counts;
    }
}
