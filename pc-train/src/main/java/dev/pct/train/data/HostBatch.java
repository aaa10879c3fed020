package dev.pct.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch made ready on the host by a worker thread (decoded, augmented, prepared), waiting for the training
 * thread to hand it to the engine in one call.
 */
@FunctionalInterface
public interface HostBatch {

    /**
     * Creates the batch's array.
     *
     * @param manager the owner of the array
     * @return the array
     */
    NDArray create(NDManager manager);

    /**
     * Returns a batch of float32 values.
     *
     * @param values the values, row-major
     * @param shape their shape
     * @return the batch
     */
    static HostBatch of(float[] values, Shape shape) {
        if (values.length != shape.size()) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
        return manager -> manager.create(values, shape);
    }
}
