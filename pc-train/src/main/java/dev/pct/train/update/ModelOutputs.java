package dev.pct.train.update;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.stream.Collectors;

/**
 * What is wrong with a model's outputs for pct, which reads one float32 tensor from a model: a tuple (several
 * outputs, e.g. logits and auxiliary logits, of which the first may be the wrong one) or another type.
 */
final class ModelOutputs {

    private ModelOutputs() {}

    /**
     * Describes why outputs are not one float32 tensor.
     *
     * @param outputs what the model returned
     * @return e.g. {@code "2 outputs ((2, 4) float32, (2, 8) float32)"} or {@code "int64 values of shape (2, 4)"},
     *     or null when they are one float32 tensor
     */
    static String problem(NDList outputs) {
        if (outputs.size() != 1) {
            return outputs.size() + " outputs " + outputs.stream()
                    .map(a -> a.getShape() + " " + a.getDataType())
                    .collect(Collectors.joining(", ", "(", ")"));
        }
        if (outputs.head().getDataType() != DataType.FLOAT32) {
            return outputs.head().getDataType() + " values of shape " + outputs.head().getShape();
        }
        return null;
    }
}
