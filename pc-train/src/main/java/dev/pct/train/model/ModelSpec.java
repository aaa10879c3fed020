package dev.pct.train.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A description of a classifier architecture that {@link ModelFactory} turns into a block. A job file's
 * {@code old_model.architecture} and {@code new_model.architecture} bind onto it directly (keys {@code type},
 * {@code hidden}, {@code channels}, {@code batch_norm}, {@code dropout}, {@code depth}), so its values, defaults
 * and checks are written here once.
 *
 * <p>The record holds what it is given, so that a job file's every wrong value can be reported at once;
 * {@link #problems()} lists them, and {@link Builder#build()} and {@link ModelFactory#build} refuse a spec that has
 * any.
 *
 * @param type the architecture; required
 * @param hidden the widths of the hidden fully connected layers ({@code mlp}, and {@code cnn} after
 *     its convolutions), integers &gt;= 1; may be empty (a linear classifier); default {@link #DEFAULT_HIDDEN}
 * @param channels the filters of each convolution stage of {@code cnn} (conv, optional batch norm, ReLU, 2x2 max
 *     pool), integers &gt;= 1, non-empty for cnn; each stage halves the image size; default {@link
 *     #DEFAULT_CHANNELS}
 * @param batchNorm whether {@code cnn}, {@code lenet} and the dense blocks put batch normalization after each
 *     layer ({@code resnet} always has it); default false. Batch norm is what kept the paper's loss settings
 *     stable (GUIDE 3c)
 * @param dropout the dropout rate after each hidden fully connected layer, in [0, 1); default 0
 * @param depth the number of layers of {@code resnet} (e.g. 20, 32, 56 for small images; 18, 50 for ImageNet
 *     shapes; see {@link ModelFactory} for the allowed values); ignored by the other types, where 0 is allowed. The
 *     builder's default is {@link #DEFAULT_DEPTH}; a job file must give it for resnet (its default there is 0)
 */
public record ModelSpec(
        Architecture type,
        List<Integer> hidden,
        List<Integer> channels,
        boolean batchNorm,
        double dropout,
        int depth) {

    /** The default hidden widths. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(128);

    /** The default convolution stages of {@code cnn}. */
    public static final List<Integer> DEFAULT_CHANNELS = List.of(32, 64);

    /** The default ResNet depth (ResNet-20 of He et al. for small images). */
    public static final int DEFAULT_DEPTH = 20;

    /** Makes the lists immutable (null elements kept, for {@link #problems()} to name). */
    public ModelSpec {
        hidden = hidden == null ? null : Collections.unmodifiableList(new ArrayList<>(hidden));
        channels = channels == null ? null : Collections.unmodifiableList(new ArrayList<>(channels));
    }

    /**
     * One value of a spec that cannot be built.
     *
     * @param key the value's key, as a job file spells it: {@code type}, {@code hidden[0]}, {@code channels},
     *     {@code dropout}, {@code depth}
     * @param value the value
     * @param expected what it must be
     */
    public record Problem(String key, Object value, String expected) {

        /** The problem as one line: {@code key: got value, expected ...}. */
        @Override
        public String toString() {
            return key + ": got " + value + ", expected " + expected;
        }
    }

    /**
     * Returns every value that keeps the spec from being built, in the order of the components; empty when it can
     * be. The shape checks that need the input (pooling stages against the image size, a ResNet depth against
     * it) are {@link ModelFactory#build}'s.
     *
     * @return the problems
     */
    public List<Problem> problems() {
        List<Problem> problems = new ArrayList<>();
        if (type == null) {
            problems.add(new Problem("type", null, "one of mlp, cnn, lenet, resnet"));
        }
        positive(problems, "hidden", hidden);
        positive(problems, "channels", channels);
        if (type == Architecture.CNN && channels != null && channels.isEmpty()) {
            problems.add(new Problem("channels", channels, "a non-empty list for type cnn"));
        }
        if (!(dropout >= 0 && dropout < 1)) {
            problems.add(new Problem("dropout", dropout, "a number >= 0 and < 1"));
        }
        if (type == Architecture.RESNET) {
            if (depth <= 0) {
                problems.add(new Problem("depth", depth, "an integer > 0 (required for type resnet)"));
            }
        } else if (depth < 0) {
            problems.add(new Problem("depth", depth, "an integer >= 0"));
        }
        return problems;
    }

    /**
     * Whether two specs build the same network, reading a depth of 0 (a job file's unset value) as {@link
     * #DEFAULT_DEPTH}, the depth the builder gives.
     *
     * @param other the other spec
     * @return whether every value is the same, depth 0 and {@link #DEFAULT_DEPTH} alike
     */
    public boolean sameNetwork(ModelSpec other) {
        return withDefaultDepth().equals(other.withDefaultDepth());
    }

    private ModelSpec withDefaultDepth() {
        return depth != 0 ? this : new ModelSpec(type, hidden, channels, batchNorm, dropout, DEFAULT_DEPTH);
    }

    /**
     * Returns this spec when it can be built.
     *
     * @return this spec
     * @throws IllegalArgumentException naming the first of {@link #problems()}
     */
    public ModelSpec checked() {
        List<Problem> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(this + ": " + problems.get(0));
        }
        return this;
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

    private static void positive(List<Problem> problems, String key, List<Integer> values) {
        if (values == null) {
            problems.add(new Problem(key, null, "a list of integers >= 1"));
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            Integer v = values.get(i);
            if (v == null || v < 1) {
                problems.add(new Problem(key + "[" + i + "]", v, "an integer >= 1"));
            }
        }
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
         * @throws IllegalArgumentException naming the first of its {@link ModelSpec#problems()}, e.g. no type
         */
        public ModelSpec build() {
            return new ModelSpec(type, hidden, channels, batchNorm, dropout, depth).checked();
        }
    }
}
