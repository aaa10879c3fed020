package dev.pct.train.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Gives the loss its labels for a batch: the class labels and, for distillation, the old model's terms. Its
 * host work (reading cached logits, preparing the old model's view of the batch) is done ahead by {@link
 * #prepare} on a worker thread; {@link #labels} then runs on the training thread.
 */
public interface TeacherSource {

    /** A teacher's share of a batch, made ready on the host by a worker thread. */
    @FunctionalInterface
    interface Prepared {
        /**
         * Creates the prepared arrays.
         *
         * @param manager the batch's manager
         * @return the arrays (possibly none)
         */
        NDList create(NDManager manager);

        /** Nothing prepared. */
        Prepared NOTHING = manager -> new NDList();
    }

    /**
     * Does the host work of a batch; runs on a worker thread, so it makes no engine call and is safe to call
     * from several threads at once.
     *
     * @param indices the samples, in batch order
     * @param augmentSeed the seed of the batch's augmentation, so that another view of the same samples can
     *     be augmented alike
     * @return what {@link #labels} receives
     */
    default Prepared prepare(int[] indices, long augmentSeed) {
        return Prepared.NOTHING;
    }

    /**
     * Returns the loss labels of a batch.
     *
     * @param manager the batch's manager
     * @param images the batch as the new model sees it (after augmentation)
     * @param labels the class labels of the batch, shape (B), int64, known to be classes of the data set
     * @param prepared the arrays {@link #prepare} made for this batch
     * @return the labels {@link NDList} the loss expects
     */
    NDList labels(NDManager manager, NDArray images, NDArray labels, NDList prepared);

    /** The labels of plain cross-entropy: the class labels alone. */
    TeacherSource NONE = (manager, images, labels, prepared) -> new NDList(labels);
}
