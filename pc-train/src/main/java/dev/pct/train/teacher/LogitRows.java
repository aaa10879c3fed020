package dev.pct.train.teacher;

import java.util.Objects;

/**
 * The old model's logits of a data set, row by row: in the heap, or memory-mapped from the teacher cache
 * on disk. Reads must be safe from several threads at once.
 */
public interface LogitRows {

    /**
     * Returns the number of rows (samples).
     *
     * @return N
     */
    int size();

    /**
     * Returns the number of columns (classes).
     *
     * @return C
     */
    int classes();

    /**
     * Returns the rows of some samples.
     *
     * @param indices the samples, in order
     * @return their logits, row-major {@code indices.length × classes()}
     */
    float[] rows(int[] indices);

    /**
     * Returns rows held in a heap array.
     *
     * @param logits N×C values, row-major
     * @param classes C
     * @return the rows
     * @throws IllegalArgumentException if the array has no whole rows
     */
    static LogitRows of(float[] logits, int classes) {
        Objects.requireNonNull(logits, "logits");
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException(logits.length + " logits are no whole rows of " + classes + " classes");
        }
        int n = logits.length / classes;
        return new LogitRows() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public int classes() {
                return classes;
            }

            @Override
            public float[] rows(int[] indices) {
                float[] out = new float[Math.multiplyExact(indices.length, classes)];
                for (int i = 0; i < indices.length; i++) {
                    int k = Objects.checkIndex(indices[i], n);
                    System.arraycopy(logits, k * classes, out, i * classes, classes);
                }
                return out;
            }
        };
    }
}
