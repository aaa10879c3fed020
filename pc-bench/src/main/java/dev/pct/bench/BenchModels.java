package dev.pct.bench;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.ndarray.types.Shape;

/**
 * The two new models of the training-step benchmark, for 28×28×1 inputs: an MLP (784→64→C, ReLU)
 * and a small CNN (two conv3×3-BN-ReLU-maxpool stages of 32 and 64 channels, then 128 ReLU, C).
 */
public final class BenchModels {

    private BenchModels() {}

    /**
     * Builds a model by name.
     *
     * @param name {@code mlp} or {@code cnn}
     * @param numClasses the number of outputs
     * @return a new uninitialized block
     * @throws IllegalArgumentException if the name is neither
     */
    public static Block build(String name, int numClasses) {
        switch (name) {
            case "mlp":
                return new SequentialBlock()
                        .add(Blocks.batchFlattenBlock(28 * 28))
                        .add(Linear.builder().setUnits(64).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(numClasses).build());
            case "cnn":
                return new SequentialBlock()
                        .add(convStage(32))
                        .add(convStage(64))
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(128).build())
                        .add(Activation::relu)
                        .add(Linear.builder().setUnits(numClasses).build());
            default:
                throw new IllegalArgumentException("model: expected mlp or cnn, got '" + name + "'");
        }
    }

    private static Block convStage(int channels) {
        return new SequentialBlock()
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(channels)
                        .build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }
}
