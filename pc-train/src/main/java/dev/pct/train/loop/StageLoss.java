package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.pct.core.loss.DistillationLoss;
import dev.pct.core.loss.LossParts;
import dev.pct.train.teacher.TeacherSource;

/**
 * The loss of a training stage as the loop sees it: the value to differentiate, and the cross-entropy and
 * distillation parts that the epoch log reports, from one evaluation.
 */
public interface StageLoss {

    /**
     * Evaluates the loss of a batch.
     *
     * @param labels the labels the stage's {@link TeacherSource} made
     * @param predictions the model's outputs
     * @return the loss (with its gradient) and its detached parts, on the predictions' device
     */
    LossParts evaluate(NDList labels, NDList predictions);

    /**
     * Returns the DJL loss, for the trainer's configuration.
     *
     * @return the loss
     */
    Loss loss();

    /**
     * Wraps a DJL loss: a {@link DistillationLoss} (focal distillation, two-source distillation) reports its own parts; any other loss is all
     * cross-entropy, with a zero distillation part.
     *
     * @param loss the loss
     * @return the stage loss
     */
    static StageLoss of(Loss loss) {
        if (loss instanceof DistillationLoss distillation) {
            return new StageLoss() {
                @Override
                public LossParts evaluate(NDList labels, NDList predictions) {
                    return distillation.evaluateParts(labels, predictions);
                }

                @Override
                public Loss loss() {
                    return loss;
                }
            };
        }
        return new StageLoss() {
            @Override
            public LossParts evaluate(NDList labels, NDList predictions) {
                NDArray value = loss.evaluate(labels, predictions);
                NDArray detached = value.stopGradient();
                return new LossParts(value, detached, detached.zerosLike());
            }

            @Override
            public Loss loss() {
                return loss;
            }
        };
    }
}
