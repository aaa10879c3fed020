package dev.pct.bench;

import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import java.util.List;

/**
 * The two new models of the training-step benchmark, built by the job's {@link ModelFactory} for
 * 28×28×1 inputs: an MLP (784→64→C, ReLU) and a small CNN (two conv3×3-BN-ReLU-maxpool stages of
 * 32 and 64 channels, then 128 ReLU, C).
 */
public final class BenchModels {

    /** The MLP: one hidden layer of 64. */
    public static final ModelSpec MLP = ModelSpec.builder().setType("mlp").optHidden(List.of(64))
            .build();

    /** The CNN: conv stages of 32 and 64 with batch norm, one hidden layer of 128. */
    public static final ModelSpec CNN = ModelSpec.builder().setType("cnn")
            .optChannels(List.of(32, 64)).optBatchNorm(true).optHidden(List.of(128)).build();

    private BenchModels() {}

    /**
     * Builds a model by name.
     *
     * @param name {@code mlp} or {@code cnn}
     * @param numClasses the number of outputs
     * @return a new uninitialized block
     * @throws IllegalArgumentException if the name is neither
     */
    public static ai.djl.nn.Block build(String name, int numClasses) {
        switch (name) {
            case "mlp":
                return ModelFactory.build(MLP, 1, 28, 28, numClasses);
            case "cnn":
                return ModelFactory.build(CNN, 1, 28, 28, numClasses);
            default:
                throw new IllegalArgumentException("model: expected mlp or cnn, got '" + name + "'");
        }
    }
}
