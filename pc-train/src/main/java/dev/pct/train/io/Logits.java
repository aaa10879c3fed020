package dev.pct.train.io;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes logit matrices: the job's binary cache, and CSV files from any framework. */
public final class Logits {
    private Logits() {}

    /**
     * Writes N×C logits as a binary cache file (rows, columns, then float32 values), atomically.
     *
     * @param file the file
     * @param logits the values, row-major
     * @param classes C
     * @throws IOException if writing fails
     */
    public static void write(Path file, float[] logits, int classes) throws IOException {
        AtomicFiles.write(file, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(logits.length / classes);
            data.writeInt(classes);
            for (float v : logits) {
                data.writeFloat(v);
            }
            data.flush();
        });
    }

    /**
     * Reads a cache file written by {@link #write}, checking it has the expected shape.
     *
     * @param file the file
     * @param rows the expected N
     * @param classes the expected C
     * @return the values, row-major
     * @throws IOException if reading fails or the shape differs
     */
    public static float[] read(Path file, int rows, int classes) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            int n = in.readInt();
            int c = in.readInt();
            if (n != rows || c != classes) {
                throw new IOException(file + ": cached logits are " + n + "×" + c + ", expected " + rows + "×" + classes);
            }
            float[] out = new float[n * c];
            for (int i = 0; i < out.length; i++) {
                out[i] = in.readFloat();
            }
            return out;
        }
    }

    /**
     * Reads N×C logits from a CSV file (see {@link PredictionFiles#readLogits}), checking it exists first.
     *
     * @param file the file
     * @param classes C
     * @return the values, row-major
     * @throws IOException if the file is missing or unreadable
     */
    public static float[] readCsv(Path file, int classes) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such logits file");
        }
        return PredictionFiles.readLogits(file, classes);
    }

    /**
     * Picks the rows of some samples (e.g. the training split's original indices) from N×C logits.
     *
     * @param logits the values, row-major
     * @param classes C
     * @param indices the rows to pick, in order
     * @param source the file the values came from, for messages
     * @return the picked rows, row-major
     * @throws IllegalArgumentException naming the file if a row is missing
     */
    public static float[] rows(float[] logits, int classes, int[] indices, Path source) {
        int n = logits.length / classes;
        float[] out = new float[indices.length * classes];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] >= n) {
                throw new IllegalArgumentException(source + ": has " + n + " rows but sample " + indices[i]
                        + " of the data set needs one; the logits must cover the whole file in its order");
            }
            System.arraycopy(logits, indices[i] * classes, out, i * classes, classes);
        }
        return out;
    }
}
