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
 * A maker of whole batches from a {@link SampleSource}: it reads the samples at given indices (from memory,
 * or decoding files), augments them as decoded, prepares them for one model ({@link ModelInput}: size,
 * channels, normalization) and hands the batch to the engine in one {@code manager.create(float[], Shape)}
 * call. {@link #gather} does the host work without the engine, so worker threads can run it ahead of the
 * training step.
 *
 * <p>This replaces DJL's {@code Dataset}/{@code Batchifier}, which creates one NDArray per sample
 * and stacks them, costing several native calls per sample. The arrays returned belong to the
 * manager passed in; the caller closes them (e.g. with a per-batch sub-manager).
 *
 * <p>Instances are immutable and may be shared between threads if each thread uses its own {@link
 * Random}.
 */
public final class BatchMaker {

    private final SampleSource data;
    private final ModelInput input;
    private final Augmentation augmentation;
    /** The input size the augmentation's padding is in pixels of: the new model's, for every view. */
    private final int frameHeight;
    private final int frameWidth;

    private BatchMaker(Builder builder) {
        data = Objects.requireNonNull(builder.data, "data must be set");
        augmentation = builder.augmentation != null ? builder.augmentation : Augmentation.NONE;
        if (builder.input != null) {
            input = builder.input;
        } else {
            if (!(data instanceof ImageSet)) {
                throw new IllegalArgumentException(data.source() + ": images of varying size need a model input"
                        + " (optInput) that says the size to prepare them at");
            }
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
            input = ModelInput.of((ImageSet) data, normalizer);
        }
        frameHeight = builder.frameHeight > 0 ? builder.frameHeight : input.height();
        frameWidth = builder.frameWidth > 0 ? builder.frameWidth : input.width();
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
    public SampleSource data() {
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
        return builder().setData(data).optAugmentation(augmentation).optInput(other)
                .optAugmentationFrame(frameHeight, frameWidth).build();
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
     * Reads, augments and prepares the given samples into a host array, B×C×H×W of the model input. Makes no
     * engine call and is safe to call from several threads at once (each with its own {@code rng}).
     *
     * <p>Augmentation acts on each image as decoded, before it is brought to the model's size, so that two
     * views of a batch made with equal seeds (the old and the new model's) show the same augmented image.
     *
     * @param indices the sample indices in {@link #data()}
     * @param rng the randomness for augmentation, or null for none
     * @return the batch values
     * @throws DataFormatException naming the file when a sample cannot be read
     */
    public float[] gather(int[] indices, Random rng) {
        float[] out = new float[Math.multiplyExact(indices.length, input.sampleSize())];
        boolean augment = rng != null && !augmentation.isIdentity();
        ImageSet memory = data instanceof ImageSet set ? set : null;
        boolean inPlace = memory != null && input.keepsShape(memory.channels(), memory.height(), memory.width());
        float[] sample = memory != null && !inPlace ? new float[memory.sampleSize()] : null;
        for (int b = 0; b < indices.length; b++) {
            int k = indices[b];
            if (k < 0 || k >= data.size()) {
                throw new IllegalArgumentException(
                        "sample index " + k + " is outside [0, " + data.size() + ") of " + data.source());
            }
            int outOffset = b * input.sampleSize();
            float[] values;
            int off;
            int c;
            int h;
            int w;
            if (memory != null) {
                // In memory: no per-sample allocation; in place when the model takes the stored shape.
                values = inPlace ? out : sample;
                off = inPlace ? outOffset : 0;
                memory.copySample(k, values, off);
                c = memory.channels();
                h = memory.height();
                w = memory.width();
            } else {
                Image image = data.read(k);
                values = image.values();
                off = 0;
                c = image.channels();
                h = image.height();
                w = image.width();
            }
            if (augment) {
                augmentation.apply(values, off, c, h, w, frameHeight, frameWidth, rng);
            }
            input.apply(values, off, c, h, w, out, outOffset);
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

        private SampleSource data;
        private Normalizer normalizer;
        private ModelInput input;
        private Augmentation augmentation;
        private int frameHeight;
        private int frameWidth;

        private Builder() {}

        /**
         * Sets the data set (required).
         *
         * @param data the data set
         * @return this builder
         */
        public Builder setData(SampleSource data) {
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
         * Sets the input size the augmentation's padding is meant for, when this maker prepares another
         * model's view of the same augmented samples; the default is this maker's own input size.
         *
         * @param height the new model's input height
         * @param width the new model's input width
         * @return this builder
         */
        public Builder optAugmentationFrame(int height, int width) {
            this.frameHeight = height;
            this.frameWidth = width;
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
