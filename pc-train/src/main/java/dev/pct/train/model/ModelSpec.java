package dev.pct.train.model;

import java.util.List;
import java.util.Objects;

/**
 * A description of a classifier architecture that {@link ModelFactory} turns into a block.
 *
 * @param type the architecture
 * @param hidden the widths of the hidden fully connected layers ({@code mlp}, and {@code cnn} after
 *     its convolutions); may be empty
 * @param channels the filters of each convolution stage of {@code cnn}; each stage halves the
 *     image size
 * @param batchNorm whether {@code cnn} and {@code lenet} put batch normalization after each
 *     convolution ({@code resnet} always has it)
 * @param dropout the dropout rate after each hidden fully connected layer, in [0, 1)
 * @param depth the number of layers of {@code resnet}; see {@link ModelFactory} for the allowed
 *     values
 */
public record ModelSpec(
        Architecture type,
        List<Integer> hidden,
        List<Integer> channels,
        boolean batchNorm,
        double dropout,
        int depth) {

    /** The default hidden widths. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(256);

    /** The default convolution stages of {@code cnn}. */
    public static final List<Integer> DEFAULT_CHANNELS = List.of(32, 64);

    /** The default ResNet depth (ResNet-20 of He et al. for small images). */
    public static final int DEFAULT_DEPTH = 20;

    /** Validates the values. */
    public ModelSpec {
        Objects.requireNonNull(type, "type");
        hidden = checkPositive("hidden", hidden);
        channels = checkPositive("channels", channels);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
    }

    /**
     * Returns a spec of the given type with default values.
     *
     * @param type the architecture
     * @return the spec
     */
    public static ModelSpec of(Architecture type) {
        return builder().setType(type).build();
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static List<Integer> checkPositive(String name, List<Integer> values) {
        Objects.requireNonNull(values, name);
        for (Integer v : values) {
            if (v == null || v < 1) {
                throw new IllegalArgumentException(
                        name + " must hold positive sizes, got " + values);
            }
        }
        return List.copyOf(values);
    }

    /** The builder of a {@link ModelSpec}. */
    public static final class Builder {

        private Architecture type;
        private List<Integer> hidden = DEFAULT_HIDDEN;
        private List<Integer> channels = DEFAULT_CHANNELS;
        private boolean batchNorm;
        private double dropout;
        private int depth = DEFAULT_DEPTH;

        private Builder() {}

        /**
         * Sets the architecture (required).
         *
         * @param type the architecture
         * @return this builder
         */
        public Builder setType(Architecture type) {
            this.type = type;
            return this;
        }

        /**
         * Sets the architecture by name (required).
         *
         * @param type {@code mlp}, {@code cnn}, {@code lenet} or {@code resnet}
         * @return this builder
         * @throws IllegalArgumentException if the name is none of them
         */
        public Builder setType(String type) {
            this.type = Architecture.of(type);
            return this;
        }

        /**
         * Sets the hidden fully connected widths; default {@link ModelSpec#DEFAULT_HIDDEN}.
         *
         * @param hidden the widths
         * @return this builder
         */
        public Builder optHidden(List<Integer> hidden) {
            this.hidden = hidden;
            return this;
        }

        /**
         * Sets the convolution stages of {@code cnn}; default {@link ModelSpec#DEFAULT_CHANNELS}.
         *
         * @param channels the filters per stage
         * @return this builder
         */
        public Builder optChannels(List<Integer> channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Sets whether convolutions are followed by batch normalization; default false.
         *
         * @param batchNorm whether to use batch normalization
         * @return this builder
         */
        public Builder optBatchNorm(boolean batchNorm) {
            this.batchNorm = batchNorm;
            return this;
        }

        /**
         * Sets the dropout rate of hidden fully connected layers; default 0.
         *
         * @param dropout the rate in [0, 1)
         * @return this builder
         */
        public Builder optDropout(double dropout) {
            this.dropout = dropout;
            return this;
        }

        /**
         * Sets the ResNet depth; default {@link ModelSpec#DEFAULT_DEPTH}.
         *
         * @param depth the number of layers
         * @return this builder
         */
        public Builder optDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         */
        public ModelSpec build() {
            if (type == null) {
                throw new IllegalArgumentException("model type is not set, expected one of mlp, cnn, lenet, resnet");
            }
            return new ModelSpec(type, hidden, channels, batchNorm, dropout, depth);
        }
    }
}
