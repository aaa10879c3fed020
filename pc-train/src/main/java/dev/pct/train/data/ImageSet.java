package dev.pct.train.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory labelled image data set with pixels stored as unsigned bytes in N×C×H×W order.
 *
 * <p>The intensity of a pixel is {@code (pixels[i] & 0xFF) / 255f}, in [0, 1]. Bytes rather than
 * floats keep CIFAR-10 (50k × 3072) at 150 MB. {@code sourceIndices[i]} is the index of sample
 * {@code i} in the set it was originally read from, so that reports can name samples of a split by
 * their original index; it survives {@link #subset} and {@link #limit}.
 *
 * @param pixels the pixels, {@code size() * channels * height * width} unsigned bytes, N×C×H×W
 * @param labels the class of each sample, in [0, numClasses)
 * @param numClasses the number of classes
 * @param channels the number of channels (1 grayscale, 3 RGB)
 * @param height the image height in pixels
 * @param width the image width in pixels
 * @param classNames the class names, index = label, or an empty list when unknown
 * @param source the file or folder the data came from, for messages and reports
 * @param sourceIndices the original index of each sample
 */
public record ImageSet(
        byte[] pixels,
        int[] labels,
        int numClasses,
        int channels,
        int height,
        int width,
        List<String> classNames,
        String source,
        int[] sourceIndices) implements SampleSource {

    /** The scale from a stored byte to an intensity in [0, 1]. */
    public static final float PIXEL_SCALE = 1f / 255f;

    /** Validates the components; see the class documentation. */
    public ImageSet {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(sourceIndices, "sourceIndices");
        source = source == null ? "<memory>" : source;
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        if (numClasses < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "ImageSet from "
                            + source
                            + ": numClasses, channels, height and width must be >= 1, got "
                            + numClasses
                            + ", "
                            + channels
                            + ", "
                            + height
                            + ", "
                            + width);
        }
        long sampleSize = (long) channels * height * width;
        if (pixels.length != labels.length * sampleSize) {
            throw new IllegalArgumentException(
                    "ImageSet from "
                            + source
                            + ": expected "
                            + labels.length * sampleSize
                            + " pixel bytes for "
                            + labels.length
                            + " samples of "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + ", got "
                            + pixels.length);
        }
        if (sourceIndices.length != labels.length) {
            throw new IllegalArgumentException(
                    "ImageSet from "
                            + source
                            + ": sourceIndices has "
                            + sourceIndices.length
                            + " entries for "
                            + labels.length
                            + " samples");
        }
        if (!classNames.isEmpty() && classNames.size() != numClasses) {
            throw new IllegalArgumentException(
                    "ImageSet from "
                            + source
                            + ": "
                            + classNames.size()
                            + " class names for "
                            + numClasses
                            + " classes");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "ImageSet from "
                                + source
                                + ": label "
                                + labels[i]
                                + " of sample "
                                + i
                                + " is outside [0, "
                                + numClasses
                                + ")");
            }
        }
    }

    /**
     * Creates a set whose samples are their own original indices.
     *
     * @param pixels the pixels, N×C×H×W unsigned bytes
     * @param labels the labels
     * @param numClasses the number of classes
     * @param channels the number of channels
     * @param height the height
     * @param width the width
     * @param classNames the class names or an empty list
     * @param source the file or folder the data came from
     * @return the set
     */
    public static ImageSet of(
            byte[] pixels,
            int[] labels,
            int numClasses,
            int channels,
            int height,
            int width,
            List<String> classNames,
            String source) {
        return new ImageSet(
                pixels,
                labels,
                numClasses,
                channels,
                height,
                width,
                classNames,
                source,
                identity(labels.length));
    }

    /**
     * Returns the number of samples.
     *
     * @return the number of samples
     */
    public int size() {
        return labels.length;
    }

    /**
     * Returns the number of values in one sample, {@code channels * height * width}.
     *
     * @return the number of values per sample
     */
    public int sampleSize() {
        return channels * height * width;
    }

    /**
     * Returns the label of one sample.
     *
     * @param index the sample index in this set
     * @return its label
     */
    @Override
    public int label(int index) {
        return labels[index];
    }

    /**
     * Returns the index a sample had in the set it was originally read from.
     *
     * @param index the sample index in this set
     * @return its original index
     */
    public int sourceIndex(int index) {
        return sourceIndices[index];
    }

    /** The source, the original indices, the labels and the pixels. */
    @Override
    public String fingerprint() {
        java.security.MessageDigest digest = dev.pct.train.io.Digests.sha256();
        dev.pct.train.io.Digests.update(digest, source + " " + channels + "x" + height + "x" + width);
        dev.pct.train.io.Digests.update(digest, sourceIndices);
        dev.pct.train.io.Digests.update(digest, labels);
        digest.update(pixels);
        return "sha256:" + dev.pct.train.io.Digests.hex(digest);
    }

    /** {@inheritDoc} */
    @Override
    public Image read(int index) {
        float[] values = new float[sampleSize()];
        copySample(index, values, 0);
        return new Image(values, channels, height, width);
    }

    /** {@inheritDoc} */
    @Override
    public ai.djl.ndarray.types.Shape fixedShape() {
        return new ai.djl.ndarray.types.Shape(channels, height, width);
    }

    /**
     * Copies one sample's intensities in [0, 1] into {@code out} at {@code offset}.
     *
     * @param index the sample index
     * @param out the destination
     * @param offset where in {@code out} the sample starts
     */
    public void copySample(int index, float[] out, int offset) {
        int n = sampleSize();
        int base = index * n;
        for (int j = 0; j < n; j++) {
            out[offset + j] = (pixels[base + j] & 0xFF) * PIXEL_SCALE;
        }
    }

    /**
     * Returns the samples at the given indices, in that order (repeats allowed).
     *
     * @param indices indices into this set
     * @return a new set holding copies of those samples
     * @throws IllegalArgumentException if an index is out of range
     */
    @Override
    public ImageSet subset(int[] indices) {
        int n = sampleSize();
        byte[] p = new byte[Math.multiplyExact(indices.length, n)];
        int[] l = new int[indices.length];
        int[] s = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < 0 || k >= size()) {
                throw new IllegalArgumentException(
                        "subset index " + k + " is outside [0, " + size() + ") of " + source);
            }
            System.arraycopy(pixels, k * n, p, i * n, n);
            l[i] = labels[k];
            s[i] = sourceIndices[k];
        }
        return new ImageSet(p, l, numClasses, channels, height, width, classNames, source, s);
    }

    /**
     * Returns the first {@code n} samples, or this set when it has no more than {@code n}.
     *
     * @param n the maximum number of samples, >= 0
     * @return the first {@code n} samples
     */
    @Override
    public ImageSet limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + n);
        }
        return n >= size() ? this : subset(identity(n));
    }

    /**
     * Returns this set with the given class names.
     *
     * @param names one name per class
     * @return a set sharing this set's arrays
     */
    public ImageSet withClassNames(List<String> names) {
        return new ImageSet(
                pixels, labels, numClasses, channels, height, width, names, source, sourceIndices);
    }

    /**
     * Returns this set with another number of classes (at least the largest label plus one).
     *
     * @param classes the number of classes
     * @return a set sharing this set's arrays
     */
    public ImageSet withNumClasses(int classes) {
        return new ImageSet(pixels, labels, classes, channels, height, width, classNames, source, sourceIndices);
    }

    /**
     * Returns how many samples each class has.
     *
     * @return counts indexed by label
     */
    @Override
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "ImageSet["
                + size()
                + " x "
                + channels
                + "x"
                + height
                + "x"
                + width
                + ", "
                + numClasses
                + " classes, source="
                + source
                + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ImageSet other)) {
            return false;
        }
        return numClasses == other.numClasses
                && channels == other.channels
                && height == other.height
                && width == other.width
                && Arrays.equals(pixels, other.pixels)
                && Arrays.equals(labels, other.labels)
                && Arrays.equals(sourceIndices, other.sourceIndices)
                && classNames.equals(other.classNames)
                && source.equals(other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                numClasses,
                channels,
                height,
                width,
                Arrays.hashCode(labels),
                Arrays.hashCode(sourceIndices),
                source);
    }

    static int[] identity(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
