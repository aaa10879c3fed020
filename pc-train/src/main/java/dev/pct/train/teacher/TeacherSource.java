package dev.pct.train.teacher;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.train.data.BatchSource;
import dev.pct.train.update.OldModel;

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

    /**
     * The terms of one training split are kept in the heap up to this many bytes (an eighth of the heap, at most
     * 512 MB); beyond, each batch reads its rows from the memory-mapped cache.
     *
     * @return the budget in bytes
     */
    static long heapBudget() {
        return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /**
     * The teacher of one distilling stage, in the cheapest form its inputs allow: on the fly (the old model on
     * every batch) when the training inputs change every epoch (augmentation); else the precomputed terms of
     * every sample in the heap when they fit in {@link #heapBudget()}; else the terms made per batch from the
     * reference's cached rows.
     *
     * @param loss the stage's loss
     * @param augments whether the training inputs are augmented
     * @param old the old model, for the on-the-fly form
     * @param oldView the old model's own view of the training split (its preprocessing), or null for the
     *     training split as it is
     * @param rows the reference's logits of the training split (the old model's, or an ensemble's)
     * @param labels the training labels
     * @param oldCorrect per sample 1 where the old model is right, or null to take the rows' own arg-max
     * @param device where to compute the in-memory terms
     * @return the teacher
     */
    static TeacherSource forStage(FocalDistillationLoss loss, boolean augments, OldModel old, BatchSource oldView,
            LogitRows rows, int[] labels, float[] oldCorrect, Device device) {
        if (augments) {
            return new OnTheFlyTeacher(old, oldView, loss);
        }
        if (CachedTeacher.inMemoryBytes(loss, labels.length, rows.classes()) <= heapBudget()) {
            try (NDManager scratch = NDManager.newBaseManager(device)) {
                return CachedTeacher.inMemory(loss, rows, labels, oldCorrect, scratch);
            }
        }
        return CachedTeacher.perBatch(loss, rows, oldCorrect);
    }
}
