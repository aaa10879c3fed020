package dev.pct.train.teacher;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import java.util.Arrays;

/**
 * The old model's terms for the training samples from logits computed once (no augmentation: the inputs do
 * not change between epochs, so the old model never runs during training). Two forms:
 *
 * <ul>
 *   <li>{@link #inMemory}: the loss's per-sample teacher work (softmax at tau, the correct mask) is done once
 *       and its results kept in the heap, about {@code N × (C + 2)} floats ({@code N × (2C + 2)} for LDI, whose
 *       labels add the class weights); each batch gathers its rows.
 *   <li>{@link #perBatch}: each batch reads its logit rows (from the memory-mapped teacher cache, so the heap
 *       holds none of them) and the loss computes the terms on the device, a few elementwise passes over
 *       {@code B × C}. For data sets whose terms do not fit in the heap.
 * </ul>
 *
 * Both give the same labels: the terms of a sample depend on its row alone. The rows may be a reference other
 * than the old model (an ensemble's mean logits); the old model's decisions then come as a separate mask, so
 * that the filter still reads whether the old model got a sample right.
 */
public final class CachedTeacher implements TeacherSource {
    private final FocalDistillationLoss loss;
    private final LogitRows rows;
    /** 1 where the old model is right, per training sample; null when the rows' own arg-max decides. */
    private final float[] oldCorrect;
    private final float[][] columns;
    private final long[][] tails;
    private final DataType[] types;
    private final int[] widths;

    private CachedTeacher(FocalDistillationLoss loss, LogitRows rows, float[] oldCorrect, float[][] columns,
            long[][] tails, DataType[] types, int[] widths) {
        this.loss = loss;
        this.rows = rows;
        this.oldCorrect = oldCorrect;
        this.columns = columns;
        this.tails = tails;
        this.types = types;
        this.widths = widths;
    }

    /**
     * Returns a teacher that computes each batch's terms from its logit rows.
     *
     * @param loss the focal-distillation loss that consumes the terms
     * @param rows the old model's logits of the training samples
     * @return the teacher
     */
    public static CachedTeacher perBatch(FocalDistillationLoss loss, LogitRows rows) {
        return perBatch(loss, rows, null);
    }

    /**
     * Returns a teacher that computes each batch's terms from reference logit rows, with the filter reading the
     * old model's decisions from a mask.
     *
     * @param loss the focal-distillation loss that consumes the terms
     * @param rows the reference logits of the training samples
     * @param oldCorrect per training sample 1 where the old model is right, else 0; null to take the rows'
     *     own arg-max
     * @return the teacher
     */
    public static CachedTeacher perBatch(FocalDistillationLoss loss, LogitRows rows, float[] oldCorrect) {
        checkMask(oldCorrect, rows.size());
        return new CachedTeacher(loss, rows, oldCorrect, null, null, null, null);
    }

    private static void checkMask(float[] oldCorrect, int samples) {
        if (oldCorrect != null && oldCorrect.length != samples) {
            throw new IllegalArgumentException("the old model's correctness mask has " + oldCorrect.length
                    + " entries, expected one per each of " + samples + " samples");
        }
    }

    /**
     * Returns the number of bytes {@link #inMemory} keeps for a data set, for a loss with three label arrays
     * (KL, logit matching).
     *
     * @param samples N
     * @param classes C
     * @return about {@code 4 N (C + 2)}
     */
    public static long inMemoryBytes(int samples, int classes) {
        return 4L * samples * (classes + 2);
    }

    /**
     * Returns the number of bytes {@link #inMemory} keeps for a data set and this loss's labels.
     *
     * @param loss the focal-distillation loss that will consume the terms
     * @param samples N
     * @param classes C
     * @return about {@code 4 N (C + 2)}, or {@code 4 N (2C + 2)} for {@link Distance#LDI}
     */
    public static long inMemoryBytes(FocalDistillationLoss loss, int samples, int classes) {
        return loss.getDistance() == Distance.LDI ? 4L * samples * (2L * classes + 2) : inMemoryBytes(samples, classes);
    }

    /**
     * Computes the terms of every sample, in chunks, and keeps them in the heap.
     *
     * @param loss the focal-distillation loss that will consume them
     * @param rows the old model's logits of the training samples
     * @param labels the training labels
     * @param manager a manager for the temporary tensors
     * @return the cached terms
     */
    public static CachedTeacher inMemory(FocalDistillationLoss loss, LogitRows rows, int[] labels, NDManager manager) {
        return inMemory(loss, rows, labels, null, manager);
    }

    /**
     * Computes the terms of every sample from reference logits, with the filter reading the old model's
     * decisions from a mask, and keeps them in the heap.
     *
     * @param loss the focal-distillation loss that will consume them
     * @param rows the reference logits of the training samples
     * @param labels the training labels
     * @param oldCorrect per sample 1 where the old model is right, else 0; null to take the rows' own arg-max
     * @param manager a manager for the temporary tensors
     * @return the cached terms
     */
    public static CachedTeacher inMemory(FocalDistillationLoss loss, LogitRows rows, int[] labels, float[] oldCorrect,
            NDManager manager) {
        int n = labels.length;
        checkMask(oldCorrect, n);
        int classes = rows.classes();
        if (rows.size() != n) {
            throw new IllegalArgumentException("old logits have " + rows.size() + " rows, expected one per each of "
                    + n + " samples");
        }
        int chunk = 4096;
        float[][] columns = null;
        long[][] tails = null;
        DataType[] types = null;
        int[] widths = null;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            int b = to - from;
            try (NDManager scratch = manager.newSubManager()) {
                float[] y = new float[b];
                int[] indices = new int[b];
                for (int i = 0; i < b; i++) {
                    y[i] = labels[from + i];
                    indices[i] = from + i;
                }
                NDList terms = loss.teacherLabels(scratch.create(y),
                        scratch.create(rows.rows(indices), new Shape(b, classes)),
                        oldCorrect == null ? null : scratch.create(Arrays.copyOfRange(oldCorrect, from, to)),
                        true);
                if (columns == null) {
                    int k = terms.size();
                    columns = new float[k][];
                    tails = new long[k][];
                    types = new DataType[k];
                    widths = new int[k];
                    for (int e = 0; e < k; e++) {
                        Shape shape = terms.get(e).getShape();
                        tails[e] = shape.slice(1).getShape();
                        types[e] = terms.get(e).getDataType();
                        widths[e] = (int) shape.slice(1).size();
                        columns[e] = new float[Math.multiplyExact(n, widths[e])];
                    }
                }
                for (int e = 0; e < columns.length; e++) {
                    float[] values = terms.get(e).toType(DataType.FLOAT32, false).toFloatArray();
                    System.arraycopy(values, 0, columns[e], from * widths[e], values.length);
                }
            }
        }
        return new CachedTeacher(loss, null, null, columns, tails, types, widths);
    }

    /**
     * Computes the terms of every sample once and keeps them in the heap.
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
        if (oldLogits.length != (long) labels.length * classes) {
            throw new IllegalArgumentException("old logits have " + oldLogits.length + " values, expected "
                    + labels.length + " samples × " + classes + " classes");
        }
        return inMemory(loss, LogitRows.of(oldLogits, classes), labels, manager);
    }

    /** {@inheritDoc} */
    @Override
    public Prepared prepare(int[] indices, long augmentSeed) {
        int b = indices.length;
        if (rows != null) {
            float[] logits = rows.rows(indices);
            Shape shape = new Shape(b, rows.classes());
            if (oldCorrect == null) {
                return manager -> new NDList(manager.create(logits, shape));
            }
            float[] mask = new float[b];
            for (int i = 0; i < b; i++) {
                mask[i] = oldCorrect[indices[i]];
            }
            return manager -> new NDList(manager.create(logits, shape), manager.create(mask));
        }
        float[][] gathered = new float[columns.length][];
        for (int e = 0; e < columns.length; e++) {
            int w = widths[e];
            float[] values = new float[b * w];
            for (int i = 0; i < b; i++) {
                System.arraycopy(columns[e], indices[i] * w, values, i * w, w);
            }
            gathered[e] = values;
        }
        return manager -> {
            NDList out = new NDList(columns.length);
            for (int e = 0; e < columns.length; e++) {
                NDArray array = manager.create(gathered[e], new Shape(b).addAll(new Shape(tails[e])));
                if (types[e] != DataType.FLOAT32) {
                    array = array.toType(types[e], false);
                }
                out.add(array);
            }
            // The arrays came back from the heap without their layout's type: the loss that made them gives it.
            return loss.restoreLabels(out);
        };
    }

    /** {@inheritDoc} */
    @Override
    public NDList labels(NDManager manager, NDArray images, NDArray labels, NDList prepared) {
        if (rows == null) {
            return prepared;
        }
        // The data set's labels were checked when it was read: no host read of them per batch.
        return loss.teacherLabels(labels, prepared.get(0), prepared.size() > 1 ? prepared.get(1) : null, false);
    }
}
