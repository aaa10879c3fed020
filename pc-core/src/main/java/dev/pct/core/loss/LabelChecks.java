package dev.pct.core.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** The checks of a loss's inputs: host metadata only, but for the label range (one host read). */
final class LabelChecks {

    private LabelChecks() {}

    static void checkRank2(String what, Shape shape) {
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    what + ": expected rank 2 (N, C), got shape " + shape);
        }
    }

    static void checkSameShape(String what, Shape actual, Shape logits) {
        if (!actual.equals(logits)) {
            throw new IllegalArgumentException(
                    what + ": expected shape " + logits + " like the new logits, got " + actual);
        }
    }

    static void checkPerSample(String what, Shape actual, int n, Shape logits) {
        boolean ok =
                actual.size() == n
                        && (actual.dimension() == 1
                                || (actual.dimension() == 2 && actual.get(1) == 1));
        if (!ok) {
            throw new IllegalArgumentException(
                    what
                            + ": expected shape ("
                            + n
                            + ") for logits "
                            + logits
                            + ", got "
                            + actual);
        }
    }

    static void checkLabelShape(NDArray y, int n, String logitsName, Shape logits) {
        checkPerSample("labels[0] (y) vs " + logitsName, y.getShape(), n, logits);
    }

    /** Host read: every label must be a whole number in [0, classes). */
    static void checkLabelRange(NDArray y, int classes) {
        double[] values;
        try (NDArray copy = y.toType(DataType.FLOAT64, true)) {
            values = copy.toDoubleArray();
        }
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!(v >= 0 && v < classes) || v != Math.rint(v)) {
                throw new IllegalArgumentException(
                        "labels[0] (y): expected class indices in [0, "
                                + classes
                                + "), got "
                                + v
                                + " at sample "
                                + i);
            }
        }
    }

    /** The array as shape (N); no op (each costs a native call) when it already is. */
    static NDArray asVector(NDArray array, int n) {
        return array.getShape().dimension() == 1 ? array : array.reshape(n);
    }
}
