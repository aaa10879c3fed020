package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/** Gives the loss its labels for a batch: the class labels and, for distillation, the old model's terms. */
public interface TeacherSource {

    /**
     * Returns the loss labels of a batch.
     *
     * @param manager the batch's manager
     * @param indices the samples, in batch order
     * @param images the batch as the new model sees it (after augmentation)
     * @param labels the class labels of the batch, shape (B)
     * @param augmentSeed the seed of the batch's augmentation, so that another view of the same samples can
     *     be augmented alike
     * @return the labels {@link NDList} the loss expects
     */
    NDList labels(NDManager manager, int[] indices, NDArray images, NDArray labels, long augmentSeed);

    /** The labels of plain cross-entropy: the class labels alone. */
    TeacherSource NONE = (manager, indices, images, labels, augmentSeed) -> new NDList(labels);
}
