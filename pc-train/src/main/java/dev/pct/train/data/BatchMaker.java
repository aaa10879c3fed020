package dev.pct.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A maker of whole batches from an {@link ImageSet}: it gathers the samples at given indices on the
 * host, augments them, prepares them for one model ({@link ModelInput}: size, channels, normalization)
 * and hands the batch to the engine in one {@code manager.create(float[], Shape)} call.
 *
 * <p>This replaces DJL's {@code Dataset}/{@code Batchifier}, which creates one NDArray per sample
 * and stacks them, costing several native calls per sample. The arrays returned belong to the
 * manager passed in; the caller closes them (e.g. with a per-batch sub-manager).
 *
 * <p>Instances are immutable and may be shared between threads if each thread uses its own {@link
 * Random}.
 */
public final class BatchMaker {

    private final ImageSet data;
    private final ModelInput input;
    private final Augmentation augmentation;

    private BatchMaker(Builder builder) {
        data = Objects.requireNonNull(builder.data, "data must be set");
        augmentation = builder.augmentation != null ? builder.augmentation : Augmentation.NONE;
        if (builder.input != null) {
            input = builder.input;
        } else {
            Normalizer normalizer = builder.normalizer != null ? builder.normalizer : Normalizer.identity(data.channels());
            if (normalizer.channels() != data.channels()) {
                throw new IllegalArgumentException(
                        "normalizer has "
                                + normalizer.channels()
                                + " channels but "
                                + data.source()
                                + " has "
                                + data.channels());
            }
            input = ModelInput.of(data, normalizer);
        }
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the data set batches are made from.
     *
     * @return the data set
     */
    public ImageSet data() {
        return data;
    }

    /**
     * Returns the normalizer applied to every batch.
     *
     * @return the normalizer (the identity when none was set)
     */
    public Normalizer normalizer() {
        return input.normalizer();
    }

    /**
     * Returns what the batches are prepared for.
     *
     * @return the model input: shape, channel order and normalization
     */
    public ModelInput input() {
        return input;
    }

    /**
     * Returns a batch maker over the same data and augmentation for another model's input.
     *
     * @param other the other model's input
     * @return the batch maker
     */
    public BatchMaker withInput(ModelInput other) {
        return builder().setData(data).optAugmentation(augmentation).optInput(other).build();
    }

    /**
     * Returns the augmentation applied when a {@link Random} is given.
     *
     * @return the augmentation ({@link Augmentation#NONE} when none was set)
     */
    public Augmentation augmentation() {
        return augmentation;
    }

    /**
     * Builds the image batch for the given samples as one float32 array of shape [B, C, H, W] of the
     * model input.
     *
     * @param manager the manager that will own the array
     * @param indices the sample indices in {@link #data()}, in batch order
     * @param rng the randomness for augmentation, or null for none (evaluation)
     * @return the normalized (and, with {@code rng}, augmented) images
     */
    public NDArray images(NDManager manager, int[] indices, Random rng) {
        float[] host = gather(indices, rng);
        return manager.create(host, new Shape(indices.length, input.channels(), input.height(), input.width()));
    }

    /**
     * Gathers, augments and prepares the given samples into a host array, B×C×H×W of the model input.
     *
     * @param indices the sample indices in {@link #data()}
     * @param rng the randomness for augmentation, or null for none
     * @return the batch values
     */
    public float[] gather(int[] indices, Random rng) {
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int size = c * h * w;
        boolean sameShape = input.keepsShape(c, h, w);
        float[] out = new float[Math.multiplyExact(indices.length, input.sampleSize())];
        float[] sample = sameShape ? out : new float[size];
        boolean augment = rng != null && !augmentation.isIdentity();
        for (int b = 0; b < indices.length; b++) {
            int k = indices[b];
            if (k < 0 || k >= data.size()) {
                throw new IllegalArgumentException(
                        "sample index " + k + " is outside [0, " + data.size() + ") of " + data.source());
            }
            int off = sameShape ? b * size : 0;
            data.copySample(k, sample, off);
            if (augment) {
                augmentation.apply(sample, off, c, h, w, rng);
            }
            // In place when only normalizing; otherwise resize and map channels into the batch.
            input.apply(sample, off, c, h, w, out, b * input.sampleSize());
        }
        return out;
    }

    /**
     * Builds the label vector for the given samples, an int64 array of shape [B].
     *
     * <p>int64 because PyTorch's index operations ({@code gather}, {@code one_hot}, {@code
     * nll_loss}) take int64 indices, and {@code argMax} returns int64, so labels compare with
     * predictions without a cast.
     *
     * @param manager the manager that will own the array
     * @param indices the sample indices in {@link #data()}
     * @return the labels
     */
    public NDArray labels(NDManager manager, int[] indices) {
        long[] y = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            y[b] = data.label(indices[b]);
        }
        return manager.create(y, new Shape(indices.length));
    }

    /**
     * Builds a batch of rows of a per-sample matrix (e.g. the old model's logits, as teacher
     * targets), a float32 array of shape [B, K].
     *
     * @param manager the manager that will own the array
     * @param matrix N×K values, row-major, row {@code i} belonging to sample {@code i}
     * @param columns K
     * @param indices the sample indices, in batch order
     * @return the selected rows
     */
    public static NDArray rows(NDManager manager, float[] matrix, int columns, int[] indices) {
        if (columns < 1 || matrix.length % columns != 0) {
            throw new IllegalArgumentException(
                    "matrix of length " + matrix.length + " has no whole rows of " + columns + " columns");
        }
        int n = matrix.length / columns;
        float[] out = new float[Math.multiplyExact(indices.length, columns)];
        for (int b = 0; b < indices.length; b++) {
            int k = indices[b];
            if (k < 0 || k >= n) {
                throw new IllegalArgumentException("row index " + k + " is outside [0, " + n + ")");
            }
            System.arraycopy(matrix, k * columns, out, b * columns, columns);
        }
        return manager.create(out, new Shape(indices.length, columns));
    }

    /**
     * Returns a uniformly random permutation of 0 .. n-1 (Fisher-Yates), for one epoch's order.
     *
     * @param n the number of samples
     * @param rng the seeded randomness
     * @return the permutation
     */
    public static int[] shuffledIndices(int n, Random rng) {
        int[] idx = ImageSet.identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /**
     * Returns 0 .. n-1 in order, for evaluation.
     *
     * @param n the number of samples
     * @return the identity order
     */
    public static int[] sequentialIndices(int n) {
        return ImageSet.identity(n);
    }

    /**
     * Cuts an order of samples into consecutive batches; the last one holds the remainder and may
     * be smaller.
     *
     * @param order the sample indices, e.g. from {@link #shuffledIndices}
     * @param batchSize the batch size, >= 1
     * @return the batches, {@code ceil(order.length / batchSize)} of them
     */
    public static List<int[]> batches(int[] order, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        List<int[]> out = new ArrayList<>((order.length + batchSize - 1) / batchSize);
        for (int from = 0; from < order.length; from += batchSize) {
            out.add(Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize)));
        }
        return out;
    }

    /** The builder of a {@link BatchMaker}. */
    public static final class Builder {

        private ImageSet data;
        private Normalizer normalizer;
        private ModelInput input;
        private Augmentation augmentation;

        private Builder() {}

        /**
         * Sets the data set (required).
         *
         * @param data the data set
         * @return this builder
         */
        public Builder setData(ImageSet data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the normalizer; the default leaves intensities in [0, 1].
         *
         * @param normalizer the normalizer, fitted on the training split
         * @return this builder
         */
        public Builder optNormalizer(Normalizer normalizer) {
            this.normalizer = normalizer;
            return this;
        }

        /**
         * Sets the whole model input (shape, channel order, normalization); it replaces {@link
         * #optNormalizer}. The default keeps the data's shape.
         *
         * @param input the model input
         * @return this builder
         */
        public Builder optInput(ModelInput input) {
            this.input = input;
            return this;
        }

        /**
         * Sets the augmentation used when a {@link Random} is passed; the default is none.
         *
         * @param augmentation the augmentation
         * @return this builder
         */
        public Builder optAugmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /**
         * Builds the batch maker.
         *
         * @return the batch maker
         */
        public BatchMaker build() {
            return new BatchMaker(this);
        }
    }
}
