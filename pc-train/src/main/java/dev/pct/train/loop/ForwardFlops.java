package dev.pct.train.loop;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;

/**
 * The floating-point operations of a network's forward pass that its convolutions and dense layers do (a
 * multiply-add counts 2), read from the blocks and their output shapes: what bounds a step from below at a
 * given arithmetic rate. Normalization, activations and pooling are left out: they are memory-bound and small
 * next to the products.
 *
 * @param flops the operations for the given input
 * @param complete false when a block with children was neither sequential nor parallel (its wiring is unknown,
 *     e.g. a TorchScript module), so its operations are missing
 */
public record ForwardFlops(double flops, boolean complete) {

    /**
     * Counts a block's forward operations on one input.
     *
     * @param block an initialized block
     * @param input the input's shape, batch dimension first
     * @return the count
     */
    public static ForwardFlops of(Block block, Shape input) {
        boolean[] complete = {true};
        double flops = count(block, new Shape[] {input}, complete);
        return new ForwardFlops(flops, complete[0]);
    }

    private static double count(Block block, Shape[] inputs, boolean[] complete) {
        if (block instanceof Convolution) {
            Convolution conv = (Convolution) block;
            // out = N x filters x spatial; each output sums (channels / groups) x kernel products.
            Shape out = block.getOutputShapes(inputs)[0];
            return 2.0 * out.size() * (inputs[0].get(1) / conv.getGroups()) * conv.getKernelShape().size();
        }
        if (block instanceof Linear) {
            Shape out = block.getOutputShapes(inputs)[0];
            return 2.0 * out.size() * inputs[0].get(inputs[0].dimension() - 1);
        }
        if (block instanceof SequentialBlock) {
            double sum = 0;
            Shape[] shapes = inputs;
            for (Block child : block.getChildren().values()) {
                sum += count(child, shapes, complete);
                shapes = child.getOutputShapes(shapes);
            }
            return sum;
        }
        if (block instanceof ParallelBlock) {
            double sum = 0;
            for (Block child : block.getChildren().values()) {
                sum += count(child, inputs, complete);
            }
            return sum;
        }
        if (!block.getChildren().isEmpty() || block.getClass().getName().startsWith("ai.djl.pytorch")) {
            complete[0] = false;
        }
        return 0;
    }
}
