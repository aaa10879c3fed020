package dev.pct.train.update;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/** A network code supplies, a fresh block per stage, initialized with the stage's seed. */
final class SuppliedModel implements NewModel {

    private final String description;
    private final Supplier<Block> blocks;

    SuppliedModel(String description, Supplier<Block> blocks) {
        this.description = Objects.requireNonNull(description, "description");
        this.blocks = Objects.requireNonNull(blocks, "blocks");
    }

    @Override
    public StageNetwork create(NDManager manager, Shape inputShape, int classes) {
        Block block = blocks.get();
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
        return new StageNetwork(block, block, Map.of(), Set.of(), 1f);
    }

    @Override
    public String description() {
        return description;
    }
}
