package dev.pct.train.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.pct.train.io.Digests;
import java.security.MessageDigest;

/** An old model that is a block run in inference mode (batch norm on running statistics, no dropout). */
final class BlockOldModel implements OldModel {

    private final Block block;
    private final String description;
    private String identity;

    BlockOldModel(Block block, String description) {
        this.block = block;
        this.description = description;
    }

    /** The description and the SHA-256 of every parameter's name, shape and values (computed once). */
    @Override
    public synchronized String identity() {
        if (identity == null) {
            MessageDigest digest = Digests.sha256();
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray array = p.getValue().getArray();
                Digests.update(digest, p.getKey() + " " + array.getShape() + " " + array.getDataType());
                digest.update(array.toByteArray());
            }
            identity = description + " sha256:" + Digests.hex(digest);
        }
        return identity;
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
