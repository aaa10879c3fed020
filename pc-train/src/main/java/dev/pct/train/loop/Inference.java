package dev.pct.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Runs a model over a data set in inference mode (batch norm uses its running statistics; no dropout). */
public final class Inference {
    private Inference() {}

    /**
     * Returns the logits of every sample, row-major N×C, computed batch by batch with no augmentation.
     *
     * @param block the model (initialized)
     * @param data the data set
     * @param device the device the model's parameters live on
     * @param batchSize samples per forward pass
     * @param manager a manager whose sub-managers hold each batch
     * @return the logits, {@code size() * numClasses()} floats
     */
    public static float[] logits(Block block, BatchSource data, Device device, int batchSize, NDManager manager) {
        int n = data.size();
        int classes = data.numClasses();
        float[] out = new float[n * classes];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            int[] indices = new int[to - from];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = from + i;
            }
            try (NDManager batch = manager.newSubManager(device)) {
                ParameterStore store = new ParameterStore(batch, false);
                NDArray images = data.images(batch, indices, null);
                NDArray logits = block.forward(store, new NDList(images), false).singletonOrThrow();
                if (logits.getShape().get(1) != classes) {
                    throw new IllegalStateException("model outputs " + logits.getShape().get(1)
                            + " classes but the data set has " + classes);
                }
                float[] values = logits.toFloatArray();
                System.arraycopy(values, 0, out, from * classes, values.length);
            }
        }
        return out;
    }
}
