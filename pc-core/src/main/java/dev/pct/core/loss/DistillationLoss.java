package dev.pct.core.loss;

import ai.djl.ndarray.NDList;

/**
 * A loss of positive-congruent training whose value is a cross-entropy plus distillation terms, and which reports
 * the two parts from the evaluation that gives the value: {@link FocalDistillationLoss} and {@link
 * TwoSourceDistillationLoss}.
 */
public interface DistillationLoss {

    /**
     * Computes the loss and its cross-entropy and distillation parts in one evaluation.
     *
     * @param labels the loss's labels
     * @param predictions {@code [z]}, the new model's logits (N×C)
     * @return the loss (with its gradient) and its detached parts, owned by the manager of {@code predictions[0]}
     */
    LossParts evaluateParts(NDList labels, NDList predictions);
}
