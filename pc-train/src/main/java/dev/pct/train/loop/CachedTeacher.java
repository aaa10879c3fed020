package dev.pct.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.pct.core.loss.FocalDistillationLoss;

/**
 * The old model's terms for every training sample, computed once from its logits and kept in host memory;
 * each batch gathers its rows into one tensor per term.
 *
 * <p>Used when the inputs do not change between epochs (no augmentation): the old model then never runs
 * during training, and the loss's per-sample teacher work (softmax at tau, correct mask) is done once.
 */
public final class CachedTeacher implements TeacherSource {
    private final float[][] columns;
    private final long[][] tails;
    private final DataType[] types;
    private final int[] widths;
    /** The loss names its arrays by the settings they were made for; batches keep the names. */
    private final String[] names;

    private CachedTeacher(float[][] columns, long[][] tails, DataType[] types, int[] widths, String[] names) {
        this.columns = columns;
        this.tails = tails;
        this.types = types;
        this.widths = widths;
        this.names = names;
    }

    /**
     * Computes the terms of every sample.
     *
     * @param loss the focal-distillation loss that will consume them
     * @param oldLogits the old model's logits on the training set, row-major N×C
     * @param labels the training labels
     * @param classes the number of classes
     * @param manager a manager for the temporary tensors
     * @return the cached terms
     */
    public static CachedTeacher compute(
            FocalDistillationLoss loss, float[] oldLogits, int[] labels, int classes, NDManager manager) {
        int n = labels.length;
        if (oldLogits.length != (long) n * classes) {
            throw new IllegalArgumentException("old logits have " + oldLogits.length + " values, expected "
                    + n + " samples × " + classes + " classes");
        }
        int chunk = 4096;
        float[][] columns = null;
        long[][] tails = null;
        DataType[] types = null;
        int[] widths = null;
        String[] names = null;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            int b = to - from;
            try (NDManager scratch = manager.newSubManager()) {
                float[] y = new float[b];
                for (int i = 0; i < b; i++) {
                    y[i] = labels[from + i];
                }
                float[] o = new float[b * classes];
                System.arraycopy(oldLogits, from * classes, o, 0, o.length);
                NDList terms = loss.teacherLabels(scratch.create(y), scratch.create(o, new Shape(b, classes)));
                if (columns == null) {
                    int k = terms.size();
                    columns = new float[k][];
                    tails = new long[k][];
                    types = new DataType[k];
                    widths = new int[k];
                    names = new String[k];
                    for (int e = 0; e < k; e++) {
                        Shape shape = terms.get(e).getShape();
                        tails[e] = shape.slice(1).getShape();
                        types[e] = terms.get(e).getDataType();
                        widths[e] = (int) shape.slice(1).size();
                        names[e] = terms.get(e).getName();
                        columns[e] = new float[n * widths[e]];
                    }
                }
                for (int e = 0; e < columns.length; e++) {
                    float[] values = terms.get(e).toType(DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(values, 0, columns[e], from * widths[e], values.length);
                }
            }
        }
        return new CachedTeacher(columns, tails, types, widths, names);
    }

    /** {@inheritDoc} */
    @Override
    public NDList labels(NDManager manager, int[] indices, NDArray images, NDArray labels, long augmentSeed) {
        NDList out = new NDList(columns.length);
        int b = indices.length;
        for (int e = 0; e < columns.length; e++) {
            int w = widths[e];
            float[] gathered = new float[b * w];
            for (int i = 0; i < b; i++) {
                System.arraycopy(columns[e], indices[i] * w, gathered, i * w, w);
            }
            NDArray array = manager.create(gathered, new Shape(b).addAll(new Shape(tails[e])));
            if (types[e] != DataType.FLOAT32) {
                array = array.toType(types[e], false);
            }
            if (names[e] != null) {
                array.setName(names[e]);
            }
            out.add(array);
        }
        return out;
    }
}
