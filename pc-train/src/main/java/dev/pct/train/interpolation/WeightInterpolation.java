package dev.pct.train.interpolation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import dev.pct.train.data.BatchSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameter arithmetic of weight interpolation on DJL blocks of one architecture: {@link #interpolate}, {@link
 * #average} and {@link #reestimateBatchNorm}. The blocks must have the same parameters (names and shapes), which is
 * checked: an old and a new model of another architecture cannot be interpolated.
 */
public final class WeightInterpolation {

    private WeightInterpolation() {}

    /**
     * Sets every parameter of {@code target} (weights, biases and batch-norm statistics) to {@code (1 - a) old + a
     * newer}. At a = 0 the result is {@code old}'s values exactly, at a = 1 {@code newer}'s ({@code x * 1 + y * 0 =
     * x} in floating point).
     *
     * @param target the block to write, of the same architecture
     * @param old the old model's block
     * @param newer the new model's block
     * @param a the weight of the new model, in [0, 1]
     * @throws IllegalArgumentException if a is outside [0, 1] or the blocks' parameters differ in name or shape
     */
    public static void interpolate(Block target, Block old, Block newer, double a) {
        if (!(a >= 0 && a <= 1)) {
            throw new IllegalArgumentException("interpolation weight a: expected a number in [0, 1], got " + a);
        }
        List<NDArray> targets = arrays(target, "target");
        List<NDArray> olds = matching(old, target, "old model");
        List<NDArray> news = matching(newer, target, "new model");
        for (int i = 0; i < targets.size(); i++) {
            NDArray o = olds.get(i);
            NDArray mixed = o.mul((float) (1 - a)).addi(news.get(i).mul((float) a));
            mixed.copyTo(targets.get(i));
            mixed.close();
        }
    }

    /**
     * Sets every parameter of {@code target} to the mean of the members' (a "model soup" of fine-tuned models).
     *
     * @param target the block to write
     * @param members the blocks to average, at least one, of the target's architecture
     * @throws IllegalArgumentException if there is no member or a member's parameters differ
     */
    public static void average(Block target, List<Block> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("average: expected at least one member");
        }
        List<NDArray> targets = arrays(target, "target");
        List<List<NDArray>> each = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            each.add(matching(members.get(m), target, "member " + (m + 1)));
        }
        for (int i = 0; i < targets.size(); i++) {
            NDArray sum = each.get(0).get(i).toType(DataType.FLOAT64, true);
            for (int m = 1; m < members.size(); m++) {
                NDArray part = each.get(m).get(i).toType(DataType.FLOAT64, false);
                sum.addi(part);
                part.close();
            }
            NDArray mean = sum.divi(members.size()).toType(targets.get(i).getDataType(), false);
            mean.copyTo(targets.get(i));
            mean.close();
            sum.close();
        }
    }

    /**
     * Re-estimates every batch norm's running mean and variance as the average of the per-batch statistics over the
     * given training batches (PyTorch's cumulative average), the block in training mode and recording no gradient.
     * Engines keep an exponential average {@code r = m r + (1 - m) s_b}; this measures m on the first batch (two
     * passes from zero statistics give {@code (1 - m) s} and {@code (1 - m)(1 + m) s}), then runs every batch from
     * zero statistics and divides the sum by {@code (1 - m)} times the number of batches. Dropout, if any, is active
     * as in training.
     *
     * @param block the network
     * @param data the training samples, read without augmentation
     * @param batches the batches, each an array of sample indices
     * @param manager the manager of the temporary arrays
     * @return the number of batch-norm layers re-estimated (0 leaves the block as it was)
     */
    public static int reestimateBatchNorm(Block block, BatchSource data, List<int[]> batches, NDManager manager) {
        List<NDArray> stats = new ArrayList<>();
        List<NDArray> variances = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                stats.add(p.getValue().getArray());
                if (type == Parameter.Type.RUNNING_VAR) {
                    variances.add(p.getValue().getArray());
                }
            }
        }
        if (stats.isEmpty() || batches.isEmpty()) {
            return 0;
        }
        try (NDManager scratch = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(scratch, false);
            // m from the first batch: after one pass r1 = (1 - m) s, after a second r2 = (1 + m) r1.
            zero(stats);
            forward(block, store, data, batches.get(0), scratch);
            NDArray first = variances.get(0).duplicate();
            forward(block, store, data, batches.get(0), scratch);
            double momentum = momentum(first, variances.get(0));
            List<NDArray> sums = new ArrayList<>();
            for (NDArray s : stats) {
                sums.add(s.zerosLike().toType(DataType.FLOAT64, false));
            }
            for (int[] batch : batches) {
                zero(stats);
                forward(block, store, data, batch, scratch);
                for (int i = 0; i < stats.size(); i++) {
                    sums.get(i).addi(stats.get(i).toType(DataType.FLOAT64, false));
                }
            }
            double scale = 1 / ((1 - momentum) * batches.size());
            for (int i = 0; i < stats.size(); i++) {
                sums.get(i).muli(scale).toType(stats.get(i).getDataType(), false).copyTo(stats.get(i));
            }
        }
        return variances.size();
    }

    /** The momentum m from a variance after one and after two passes of one batch: r2 / r1 = 1 + m. */
    private static double momentum(NDArray once, NDArray twice) {
        float[] a = once.toFloatArray();
        float[] b = twice.toFloatArray();
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            best = a[i] > a[best] ? i : best;
        }
        if (!(a[best] > 0)) {
            throw new IllegalStateException("batch-norm statistics did not change in a training-mode forward pass;"
                    + " cannot re-estimate them");
        }
        double m = b[best] / (double) a[best] - 1;
        if (!(m >= 0 && m < 1)) {
            throw new IllegalStateException("batch-norm momentum measured as " + m + ", expected a number in [0, 1)");
        }
        return m;
    }

    private static void zero(List<NDArray> arrays) {
        for (NDArray a : arrays) {
            a.muli(0);
        }
    }

    private static void forward(Block block, ParameterStore store, BatchSource data, int[] batch, NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            NDArray images = data.images(step, batch, null);
            block.forward(store, new NDList(images), true).close();
        }
    }

    private static List<NDArray> arrays(Block block, String what) {
        List<NDArray> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().isInitialized()) {
                throw new IllegalArgumentException(what + ": parameter " + p.getKey() + " is not initialized");
            }
            out.add(p.getValue().getArray());
        }
        return out;
    }

    /** The block's parameter arrays in the target's order, checked to have the target's names and shapes. */
    private static List<NDArray> matching(Block block, Block target, String what) {
        PairList<String, Parameter> mine = block.getParameters();
        PairList<String, Parameter> theirs = target.getParameters();
        if (mine.size() != theirs.size()) {
            throw new IllegalArgumentException(what + ": " + mine.size() + " parameters, the target architecture has "
                    + theirs.size() + " (weight interpolation needs one architecture)");
        }
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < theirs.size(); i++) {
            String name = theirs.get(i).getKey();
            Parameter p = mine.get(name);
            if (p == null) {
                throw new IllegalArgumentException(what + ": no parameter " + name + " (weight interpolation needs one"
                        + " architecture)");
            }
            NDArray array = p.getArray();
            if (!array.getShape().equals(theirs.get(i).getValue().getArray().getShape())) {
                throw new IllegalArgumentException(what + ": parameter " + name + " has shape " + array.getShape()
                        + ", the target's " + theirs.get(i).getValue().getArray().getShape());
            }
            out.add(array);
        }
        return out;
    }
}
