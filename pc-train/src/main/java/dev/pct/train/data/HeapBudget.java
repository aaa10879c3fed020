package dev.pct.train.data;

import java.nio.file.Path;

/**
 * Refuses, before reading, a data set that the readers would hold in the Java heap but that cannot fit
 * there, so that the job stops with the file, the sizes and what to do, instead of an
 * {@link OutOfMemoryError} part way through reading.
 */
final class HeapBudget {

    /**
     * How many copies of the pixels reading holds at once: the file's bytes, the decompressed bytes, and the
     * pixel array (the IDX reader); fewer for raw files, so this errs on the side of refusing.
     */
    static final int COPIES_WHILE_READING = 3;

    private static final long MIB = 1 << 20;

    private HeapBudget() {}

    /**
     * Checks that {@code bytes} of pixels can be read with the JVM's maximum heap.
     *
     * @param file the file (or folder) being read
     * @param bytes the pixel bytes it holds
     * @param what what they are, e.g. "60000 images of 28x28"
     * @throws DataFormatException naming the file, the sizes and the remedy if they do not fit
     */
    static void check(Path file, long bytes, String what) {
        check(file, bytes, what, Runtime.getRuntime().maxMemory());
    }

    /**
     * Checks that {@code bytes} of pixels can be read with a heap of {@code maxHeapBytes}.
     *
     * @param file the file (or folder) being read
     * @param bytes the pixel bytes it holds
     * @param what what they are
     * @param maxHeapBytes the maximum heap
     * @throws DataFormatException naming the file, the sizes and the remedy if they do not fit
     */
    static void check(Path file, long bytes, String what, long maxHeapBytes) {
        long needed = bytes * COPIES_WHILE_READING;
        if (needed > maxHeapBytes) {
            long suggestGigabytes = Math.max(2, (needed * 2 + (1L << 30) - 1) >> 30);
            throw new DataFormatException(String.format(
                    "%s: %s take %d MiB in memory, and reading them needs about %d MiB, more than the %d MiB this "
                            + "JVM may use; start it with more (bin/pc-train: PCT_JAVA_OPTS=-Xmx%dg), or put the "
                            + "images in an image folder, which is read from disk batch by batch",
                    file, what, bytes / MIB, needed / MIB, maxHeapBytes / MIB, suggestGigabytes));
        }
    }
}
