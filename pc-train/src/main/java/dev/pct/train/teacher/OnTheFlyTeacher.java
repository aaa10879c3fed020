package dev.pct.train.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.HostBatch;
import dev.pct.train.update.OldModel;
import java.util.Random;

/**
 * The old model run on each batch as the new model sees it: needed when augmentation changes the inputs
 * every epoch, so cached logits would describe other images. The old model sees the same augmented samples,
 * prepared its own way when it has its own input (by a worker thread, ahead of the step); it runs in inference
 * mode, outside any gradient collector.
 */
public final class OnTheFlyTeacher implements TeacherSource {
    private final OldModel oldModel;
    private final BatchSource oldView;
    private final FocalDistillationLoss loss;

    /**
     * Makes the teacher.
     *
     * @param oldModel the old model (on the training device)
     * @param oldView the training samples prepared for the old model, augmented like the new model's; null
     *     when the old model takes the new model's input
     * @param loss the loss that consumes the terms
     */
    public OnTheFlyTeacher(OldModel oldModel, BatchSource oldView, FocalDistillationLoss loss) {
        this.oldModel = oldModel;
        this.oldView = oldView;
        this.loss = loss;
    }

    /** {@inheritDoc} */
    @Override
    public Prepared prepare(int[] indices, long augmentSeed) {
        if (oldView == null) {
            return Prepared.NOTHING;
        }
        HostBatch view = oldView.prepare(indices, oldView.augments() ? new Random(augmentSeed) : null);
        return manager -> new NDList(view.create(manager));
    }

    /** {@inheritDoc} */
    @Override
    public NDList labels(NDManager manager, NDArray images, NDArray labels, NDList prepared) {
        NDArray inputs = prepared.isEmpty() ? images : prepared.get(0);
        NDArray oldLogits = oldModel.logits(manager, inputs).stopGradient();
        return loss.teacherLabels(labels, oldLogits, false);
    }
}
