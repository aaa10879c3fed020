package dev.pct.train.config;

import dev.pct.train.model.Architecture;
import dev.pct.train.model.ModelSpec;
import java.util.List;

/**
 * Network architecture of a model, read by the model factory.
 *
 * @param type network family; required, one of {@code mlp, cnn, lenet, resnet}
 * @param hidden widths of the fully connected hidden layers ({@code mlp}, and the dense head of {@code cnn});
 *     integers &gt;= 1, default [128]; empty means a linear classifier
 * @param channels output channels of the convolution blocks of a {@code cnn}, one block (conv, optional batch
 *     norm, ReLU, 2x2 max pool) per entry; integers &gt;= 1, non-empty for cnn, default [32, 64]
 * @param batchNorm whether convolution/dense blocks use batch normalization; YAML {@code batch_norm}, default
 *     false. Batch norm is what kept the paper's loss settings stable (see GUIDE 3c)
 * @param dropout dropout probability before the classifier; a number in [0, 1), default 0
 * @param depth number of layers of a {@code resnet} (e.g. 20, 32, 56 for CIFAR; 18, 50 for ImageNet
 *     shapes); required &gt; 0 for resnet, ignored otherwise; default 0
 */
public record ArchitectureConfig(
        Architecture type,
        List<Integer> hidden,
        List<Integer> channels,
        boolean batchNorm,
        double dropout,
        int depth) {

    /** Makes the lists immutable. */
    public ArchitectureConfig {
        hidden = Lists.copy(hidden);
        channels = Lists.copy(channels);
    }

    /**
     * Returns an architecture of the given type with every other value at its default.
     *
     * @param type the network family
     * @return the architecture
     */
    public static ArchitectureConfig of(Architecture type) {
        return new ArchitectureConfig(type, List.of(128), List.of(32, 64), false, 0.0, 0);
    }

    /** The defaults with the required type left null. */
    static ArchitectureConfig template() {
        return of(null);
    }

    /**
     * Returns the model factory's description of this architecture.
     *
     * @return the spec ({@code depth} 0 becomes the factory's default depth)
     */
    public ModelSpec spec() {
        return ModelSpec.builder()
                .setType(type)
                .optHidden(hidden)
                .optChannels(channels)
                .optBatchNorm(batchNorm)
                .optDropout(dropout)
                .optDepth(depth > 0 ? depth : ModelSpec.DEFAULT_DEPTH)
                .build();
    }
}
