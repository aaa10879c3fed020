package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Runs a model over a data set in inference mode (batch norm on its running statistics; no dropout). */
public final class Inference {
    private Inference() {}

    /** A model as a function from a batch of inputs to its logits. */
    @FunctionalInterface
    public interface BatchLogits {
        /**
         * Returns the logits of a batch.
         *
         * @param manager the owner of the result
         * @param inputs the batch
         * @return the logits (B, classes)
         */
        NDArray logits(NDManager manager, NDArray inputs);
    }

    /**
     * Returns a block as a batch function, run in inference mode.
     *
     * @param block the initialized block
     * @return the function
     */
    public static BatchLogits of(Block block) {
        return (manager, inputs) -> block.forward(new ParameterStore(manager, false), new NDList(inputs), false)
                .singletonOrThrow();
    }

    /**
     * Returns the logits of every sample, row-major N×C, computed batch by batch with no augmentation.
     *
     * @param model the model
     * @param data the data set, prepared for the model
     * @param batchSize samples per forward pass
     * @param manager a manager whose sub-managers hold each batch (on the model's device)
     * @return the logits, {@code size() * numClasses()} floats
     * @throws IllegalStateException if the model's outputs do not number the data set's classes
     */
    public static float[] logits(BatchLogits model, BatchSource data, int batchSize, NDManager manager) {
        int n = data.size();
        int classes = data.numClasses();
        float[] out = new float[Math.multiplyExact(n, classes)];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            int[] indices = new int[to - from];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = from + i;
            }
            try (NDManager batch = manager.newSubManager()) {
                NDArray logits = model.logits(batch, data.images(batch, indices, null));
                if (logits.getShape().dimension() != 2 || logits.getShape().get(1) != classes) {
                    throw new IllegalStateException("the model outputs shape " + logits.getShape()
                            + " but the data set has " + classes + " classes");
                }
                float[] values = logits.toFloatArray();
                System.arraycopy(values, 0, out, from * classes, values.length);
            }
        }
        return out;
    }
}
