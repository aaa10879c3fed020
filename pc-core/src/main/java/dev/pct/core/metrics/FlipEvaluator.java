package dev.pct.core.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.pct.core.loss.TeacherLabels;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.evaluator.Evaluator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DJL {@link Evaluator} that tracks the negative flip rate (NFR) of the model being trained
 * against an old model, so a DJL training loop can log regressions next to accuracy.
 *
 * <p>Inputs follow DJL's convention of carrying extra per-sample tensors in the labels: {@code
 * labels = [y, old]} where {@code y} holds the true classes (shape {@code (N)} or {@code (N, 1)},
 * any numeric type) and {@code old} is either the old model's logits {@code (N, numClasses)} or its
 * predicted classes {@code (N)}; {@code predictions = [new]}, the new model's logits {@code (N,
 * numClasses)} or classes {@code (N)}. The raw labels of {@code FocalDistillationLoss} and its general
 * teacher layout ({@code [y, o/tau, oldCorrect]}, whose arg-max is the old model's) qualify; its soft-target
 * layout does not and is refused.
 *
 * <p>Each accumulator key owns a {@link FlipAccumulator}; {@link #getAccumulator(String)} returns
 * its NFR (0 before any sample, see {@link FlipReport}) and {@link #getReport(String)} the full
 * {@link FlipReport}. Updating reads three {@code int} vectors back to the host per batch.
 *
 * <p>The NFR is the measure of Yan et al., "Positive-Congruent Training: Towards Regression-Free
 * Model Updates", CVPR 2021 (<a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>).
 */
public class FlipEvaluator extends Evaluator {

    private final int numClasses;
    private final Map<String, FlipAccumulator> accumulators = new ConcurrentHashMap<>();

    /**
     * Creates an evaluator named {@code "NegativeFlipRate"}.
     *
     * @param numClasses the number of classes
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public FlipEvaluator(int numClasses) {
        this("NegativeFlipRate", numClasses);
    }

    /**
     * Creates an evaluator.
     *
     * @param name the evaluator name shown by DJL's training listeners
     * @param numClasses the number of classes
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public FlipEvaluator(String name, int numClasses) {
        super(name);
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        this.numClasses = numClasses;
    }

    /**
     * Returns the per-sample negative-flip indicator: {@code 1} where the old model is right and
     * the new one wrong, else {@code 0}, as float32 of shape {@code (N)} so that its mean is the
     * batch NFR. The result belongs to the manager of {@code labels.get(0)}.
     *
     * @param labels {@code [y, oldLogits or oldClasses]}
     * @param predictions {@code [newLogits or newClasses]}
     * @return the indicator
     * @throws IllegalArgumentException if the lists are too short or the shapes do not fit
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray indicator;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray[] classes = classes(labels, predictions);
            NDArray y = classes[0];
            indicator = classes[1].eq(y).logicalAnd(classes[2].neq(y)).toType(DataType.FLOAT32, false);
            NDScope.unregister(indicator);
        }
        return indicator;
    }

    /** {@inheritDoc} */
    @Override
    public void addAccumulator(String key) {
        totalInstances.put(key, 0L);
        accumulators.put(key, new FlipAccumulator(numClasses));
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulator(String key, NDList labels, NDList predictions) {
        updateAccumulators(new String[] {key}, labels, predictions);
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        int[] y;
        int[] oldClasses;
        int[] newClasses;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray[] classes = classes(labels, predictions);
            y = classes[0].toType(DataType.INT32, false).toIntArray();
            oldClasses = classes[1].toType(DataType.INT32, false).toIntArray();
            newClasses = classes[2].toType(DataType.INT32, false).toIntArray();
        }
        for (String key : keys) {
            FlipAccumulator accumulator = accumulatorFor(key);
            synchronized (accumulator) {
                accumulator.add(y, oldClasses, newClasses);
            }
            totalInstances.compute(key, (k, v) -> (v == null ? 0L : v) + y.length);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void resetAccumulator(String key) {
        FlipAccumulator accumulator = accumulatorFor(key);
        synchronized (accumulator) {
            accumulator.reset();
        }
        totalInstances.put(key, 0L);
    }

    /**
     * Returns the negative flip rate accumulated under {@code key}; 0 before any sample.
     *
     * @param key the accumulator key
     * @return the NFR
     * @throws IllegalArgumentException if no accumulator was added with the key
     */
    @Override
    public float getAccumulator(String key) {
        return (float) getReport(key).negativeFlipRate();
    }

    /**
     * Returns the full flip report accumulated under {@code key}.
     *
     * @param key the accumulator key
     * @return the report
     * @throws IllegalArgumentException if no accumulator was added with the key
     */
    public FlipReport getReport(String key) {
        FlipAccumulator accumulator = accumulatorFor(key);
        synchronized (accumulator) {
            return accumulator.report();
        }
    }

    private FlipAccumulator accumulatorFor(String key) {
        FlipAccumulator accumulator = accumulators.get(key);
        if (accumulator == null) {
            throw new IllegalArgumentException(
                    "No accumulator '" + key + "' in evaluator " + getName() + "; call addAccumulator first");
        }
        return accumulator;
    }

    /** Returns {@code [y, oldClasses, newClasses]} as int64 vectors of one length. */
    private NDArray[] classes(NDList labels, NDList predictions) {
        if (labels.size() < 2) {
            throw new IllegalArgumentException(
                    "labels must be [y, oldLogits or oldClasses], got " + labels.size() + " array(s)");
        }
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("predictions must be [newLogits or newClasses], got none");
        }
        if (labels instanceof TeacherLabels.SoftTarget) {
            // Its second array folds the labels into the old model's distribution: not the old model's logits.
            throw new IllegalArgumentException("labels: the soft-target layout of FocalDistillationLoss.teacherLabels"
                    + " carries no old predictions; give the evaluator [y, oldLogits] (the raw labels, or the general"
                    + " layout of a loss at another tau or filter)");
        }
        NDArray y = toClasses("labels[0] (y)", labels.get(0), false);
        long n = y.getShape().get(0);
        NDArray oldClasses = toClasses("labels[1] (old)", labels.get(1), true);
        NDArray newClasses = toClasses("predictions[0] (new)", predictions.get(0), true);
        if (oldClasses.getShape().get(0) != n || newClasses.getShape().get(0) != n) {
            throw new IllegalArgumentException(
                    "Batch sizes differ: y "
                            + n
                            + ", old "
                            + oldClasses.getShape().get(0)
                            + ", new "
                            + newClasses.getShape().get(0));
        }
        return new NDArray[] {y, oldClasses, newClasses};
    }

    private NDArray toClasses(String what, NDArray array, boolean logitsAllowed) {
        Shape shape = array.getShape();
        if (shape.dimension() == 1) {
            return array.toType(DataType.INT64, false);
        }
        if (shape.dimension() == 2 && shape.get(1) == 1) {
            return array.reshape(-1).toType(DataType.INT64, false);
        }
        if (logitsAllowed && shape.dimension() == 2 && shape.get(1) == numClasses) {
            return array.argMax(1).toType(DataType.INT64, false);
        }
        throw new IllegalArgumentException(
                what
                        + " has shape "
                        + shape
                        + "; expected (N) or (N, 1) classes"
                        + (logitsAllowed ? " or (N, " + numClasses + ") logits" : ""));
    }
}
