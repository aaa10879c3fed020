package dev.pct.train.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** An old model that is a block run in inference mode (batch norm on running statistics, no dropout). */
final class BlockOldModel implements OldModel {

    private final Block block;
    private final String description;

    BlockOldModel(Block block, String description) {
        this.block = block;
        this.description = description;
    }

    @Override
    public NDArray logits(NDManager manager, NDArray inputs) {
        NDArray logits = block.forward(new ParameterStore(manager, false), new NDList(inputs), false)
                .singletonOrThrow()
                .stopGradient();
        if (logits.getManager() != manager) {
            logits.attach(manager);
        }
        return logits;
    }

    @Override
    public String description() {
        return description;
    }
}
