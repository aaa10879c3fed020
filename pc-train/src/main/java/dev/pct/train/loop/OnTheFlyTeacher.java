package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.pct.core.loss.FocalDistillationLoss;

/**
 * The old model run on each batch as the new model sees it: needed when augmentation changes the inputs
 * every epoch, so cached logits would describe other images. Runs in inference mode, outside any gradient
 * collector.
 */
public final class OnTheFlyTeacher implements TeacherSource {
    private final Block oldModel;
    private final FocalDistillationLoss loss;

    /**
     * Makes the teacher.
     *
     * @param oldModel the old model (initialized, on the training device)
     * @param loss the loss that consumes the terms
     */
    public OnTheFlyTeacher(Block oldModel, FocalDistillationLoss loss) {
        this.oldModel = oldModel;
        this.loss = loss;
    }

    /** {@inheritDoc} */
    @Override
    public NDList labels(NDManager manager, int[] indices, NDArray images, NDArray labels) {
        NDArray oldLogits = oldModel.forward(new ParameterStore(manager, false), new NDList(images), false)
                .singletonOrThrow()
                .stopGradient();
        return loss.teacherLabels(labels, oldLogits);
    }
}
