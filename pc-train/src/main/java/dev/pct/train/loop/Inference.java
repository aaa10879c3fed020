package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.HostBatch;

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
        try (Prefetcher inline = new Prefetcher(0, 1)) {
            return logits(model, data, batchSize, manager, inline);
        }
    }

    /**
     * Returns the logits of every sample, as {@link #logits(BatchLogits, BatchSource, int, NDManager)}, with the
     * batches prepared ahead by worker threads.
     *
     * @param model the model
     * @param data the data set, prepared for the model
     * @param batchSize samples per forward pass
     * @param manager a manager whose sub-managers hold each batch (on the model's device)
     * @param workers the workers that prepare the batches
     * @return the logits, {@code size() * numClasses()} floats
     * @throws IllegalStateException if the model's outputs do not number the data set's classes
     */
    public static float[] logits(BatchLogits model, BatchSource data, int batchSize, NDManager manager,
            Prefetcher workers) {
        int n = data.size();
        int classes = data.numClasses();
        float[] out = new float[Math.multiplyExact(n, classes)];
        forEachBatch(model, data, 0, n, batchSize, manager, workers,
                (from, values) -> System.arraycopy(values, 0, out, from * classes, values.length));
        return out;
    }

    /** Receives the logits of consecutive batches. */
    @FunctionalInterface
    public interface LogitsSink {
        /**
         * Receives one batch's logits.
         *
         * @param from the index of the batch's first sample
         * @param logits row-major, batch × classes
         */
        void accept(int from, float[] logits);
    }

    /**
     * Runs a model over samples {@code [from, to)} of a data set, batch by batch, in order.
     *
     * @param model the model
     * @param data the data set, prepared for the model
     * @param from the first sample
     * @param to one past the last sample
     * @param batchSize samples per forward pass
     * @param manager a manager whose sub-managers hold each batch (on the model's device)
     * @param workers the workers that prepare the batches
     * @param sink receives each batch's logits
     * @throws IllegalStateException if the model's outputs do not number the data set's classes
     */
    public static void forEachBatch(BatchLogits model, BatchSource data, int from, int to, int batchSize,
            NDManager manager, Prefetcher workers, LogitsSink sink) {
        int classes = data.numClasses();
        int count = (to - from + batchSize - 1) / batchSize;
        try (Prefetcher.Batches<HostBatch> batches = workers.start(count, b -> {
            int start = from + b * batchSize;
            int[] indices = new int[Math.min(to, start + batchSize) - start];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = start + i;
            }
            return data.prepare(indices, null);
        })) {
            for (int b = 0; b < count; b++) {
                HostBatch next = batches.next();
                try (NDManager batch = manager.newSubManager()) {
                    NDArray logits = model.logits(batch, next.create(batch));
                    if (logits.getShape().dimension() != 2 || logits.getShape().get(1) != classes) {
                        throw new IllegalStateException("the model outputs shape " + logits.getShape()
                                + " but the data set has " + classes + " classes");
                    }
                    sink.accept(from + b * batchSize, logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .toFloatArray());
                }
            }
        }
    }
}
