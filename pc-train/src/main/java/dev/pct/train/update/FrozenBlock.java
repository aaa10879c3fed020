package dev.pct.train.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A frozen pretrained backbone: its parameters take no gradient and it always runs in inference mode, so
 * that batch normalization neither uses batch statistics nor updates its running ones while the rest of the
 * network trains. Only the layers after it move.
 *
 * <p>A TorchScript module run for inference computes under PyTorch's inference mode, whose tensors autograd may
 * not save; the layers after the backbone save their input for backward, so the outputs are copied out first.
 */
final class FrozenBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block inner;

    FrozenBlock(Block inner) {
        super(VERSION);
        this.inner = addChildBlock("frozen", inner);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList outputs = inner.forward(parameterStore, inputs, false, params);
        if (!training) {
            return outputs;
        }
        NDList copies = new NDList(outputs.size());
        for (NDArray output : outputs) {
            copies.add(output.duplicate());
            output.close();
        }
        return copies;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inner.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes);
        inner.freezeParameters(true);
    }
}
