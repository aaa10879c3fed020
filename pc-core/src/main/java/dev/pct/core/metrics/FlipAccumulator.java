package dev.pct.core.metrics;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A streaming counter of prediction flips between an old and a new model, one per comparison.
 *
 * <p>Feed it batches of true labels and the two models' predicted classes with {@link #add(int[],
 * int[], int[])} (samples are numbered in arrival order) or {@link #add(long[], int[], int[],
 * int[])} (the caller names each sample, e.g. its index in the data set), then call {@link
 * #report()}. Memory is {@code O(numClasses + negativeFlips)}: only the negative flips' indices are
 * kept, so a whole test set can stream through.
 *
 * <p>See Yan et al., "Positive-Congruent Training: Towards Regression-Free Model Updates", CVPR 2021
 * (<a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>) for the measures.
 *
 * <p>Not thread-safe: guard it externally when batches arrive from several threads. Serializable, so that
 * the accumulators of parts of a data set counted on several machines (e.g. Spark tasks) travel to one place
 * and {@link #merge} there.
 */
public final class FlipAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int numClasses;
    private long total;
    private long oldErrors;
    private long newErrors;
    private long negativeFlips;
    private long positiveFlips;
    private final long[] samplesPerClass;
    private final long[] negativeFlipsPerClass;
    // Negative flips of implicitly numbered samples are kept as arrival positions, those of
    // explicitly numbered samples as given; merge() shifts only the former, so merging equals one
    // pass over both streams whichever way each sample was numbered.
    private LongList arrivalFlips = new LongList();
    private LongList namedFlips = new LongList();

    /**
     * Creates an empty accumulator.
     *
     * @param numClasses the number of classes; labels and predictions must lie in {@code [0,
     *     numClasses)}
     * @throws IllegalArgumentException if {@code numClasses < 1}
     */
    public FlipAccumulator(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        this.numClasses = numClasses;
        samplesPerClass = new long[numClasses];
        negativeFlipsPerClass = new long[numClasses];
    }

    /**
     * Returns the number of classes.
     *
     * @return the number of classes
     */
    public int getNumClasses() {
        return numClasses;
    }

    /**
     * Returns the number of samples seen so far.
     *
     * @return the sample count
     */
    public long getTotal() {
        return total;
    }

    /**
     * Adds a batch whose samples are numbered in arrival order: the first sample of this batch gets
     * index {@link #getTotal()} as it was before the call.
     *
     * @param labels the true classes
     * @param oldPredictions the old model's predicted classes
     * @param newPredictions the new model's predicted classes
     * @throws IllegalArgumentException if the lengths differ or a class is out of range; the
     *     accumulator is then unchanged
     */
    public void add(int[] labels, int[] oldPredictions, int[] newPredictions) {
        validate(labels, oldPredictions, newPredictions);
        long first = total;
        for (int i = 0; i < labels.length; i++) {
            if (count(labels[i], oldPredictions[i], newPredictions[i])) {
                arrivalFlips.add(first + i);
            }
        }
    }

    /**
     * Adds a batch whose samples carry their own indices, e.g. positions in a shuffled data set.
     *
     * @param sampleIndices the index of each sample, reported in {@link
     *     FlipReport#negativeFlipIndices()}
     * @param labels the true classes
     * @param oldPredictions the old model's predicted classes
     * @param newPredictions the new model's predicted classes
     * @throws IllegalArgumentException if the lengths differ, a class is out of range or an index
     *     is negative; the accumulator is then unchanged
     */
    public void add(long[] sampleIndices, int[] labels, int[] oldPredictions, int[] newPredictions) {
        validate(labels, oldPredictions, newPredictions);
        if (sampleIndices.length != labels.length) {
            throw new IllegalArgumentException(
                    "sampleIndices has length " + sampleIndices.length + ", labels has length " + labels.length);
        }
        for (int i = 0; i < sampleIndices.length; i++) {
            if (sampleIndices[i] < 0) {
                throw new IllegalArgumentException(
                        "sampleIndices[" + i + "] = " + sampleIndices[i] + " must be >= 0");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (count(labels[i], oldPredictions[i], newPredictions[i])) {
                namedFlips.add(sampleIndices[i]);
            }
        }
    }

    /**
     * Returns a new accumulator equal to one pass over this accumulator's batches followed by the
     * other's; neither input changes. Samples the other numbered by arrival order move up by this
     * accumulator's total, as they would in one pass; explicitly indexed samples keep their index.
     *
     * @param other the accumulator of the later batches
     * @return the merged accumulator
     * @throws IllegalArgumentException if the class counts differ
     */
    public FlipAccumulator merge(FlipAccumulator other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException(
                    "Cannot merge accumulators with numClasses " + numClasses + " and " + other.numClasses);
        }
        FlipAccumulator merged = new FlipAccumulator(numClasses);
        merged.total = total + other.total;
        merged.oldErrors = oldErrors + other.oldErrors;
        merged.newErrors = newErrors + other.newErrors;
        merged.negativeFlips = negativeFlips + other.negativeFlips;
        merged.positiveFlips = positiveFlips + other.positiveFlips;
        for (int c = 0; c < numClasses; c++) {
            merged.samplesPerClass[c] = samplesPerClass[c] + other.samplesPerClass[c];
            merged.negativeFlipsPerClass[c] = negativeFlipsPerClass[c] + other.negativeFlipsPerClass[c];
        }
        merged.arrivalFlips = arrivalFlips.copy();
        for (int i = 0; i < other.arrivalFlips.size; i++) {
            merged.arrivalFlips.add(total + other.arrivalFlips.values[i]);
        }
        merged.namedFlips = namedFlips.copy();
        for (int i = 0; i < other.namedFlips.size; i++) {
            merged.namedFlips.add(other.namedFlips.values[i]);
        }
        return merged;
    }

    /** Forgets every sample, as if newly created. */
    public void reset() {
        total = 0;
        oldErrors = 0;
        newErrors = 0;
        negativeFlips = 0;
        positiveFlips = 0;
        Arrays.fill(samplesPerClass, 0);
        Arrays.fill(negativeFlipsPerClass, 0);
        arrivalFlips = new LongList();
        namedFlips = new LongList();
    }

    /**
     * Returns the flip statistics of everything added so far.
     *
     * @return the report; see {@link FlipReport} for the values of degenerate cases
     */
    public FlipReport report() {
        long[] indices = new long[arrivalFlips.size + namedFlips.size];
        System.arraycopy(arrivalFlips.values, 0, indices, 0, arrivalFlips.size);
        System.arraycopy(namedFlips.values, 0, indices, arrivalFlips.size, namedFlips.size);
        return FlipReport.fromCounts(
                total,
                oldErrors,
                newErrors,
                negativeFlips,
                positiveFlips,
                samplesPerClass,
                negativeFlipsPerClass,
                indices);
    }

    /**
     * Returns the predicted class of each row of row-major {@code N x numClasses} logits, the first
     * maximum on ties (as {@code torch.argmax} does).
     *
     * @param logits the scores, {@code N * numClasses} values, row after row
     * @param numClasses the number of classes per row
     * @return the {@code N} predicted classes
     * @throws IllegalArgumentException if {@code numClasses < 1}, the length is not a multiple of
     *     it, or a score is NaN
     */
    public static int[] argmax(float[] logits, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        if (logits.length % numClasses != 0) {
            throw new IllegalArgumentException(
                    "logits length " + logits.length + " is not a multiple of numClasses " + numClasses);
        }
        int rows = logits.length / numClasses;
        int[] classes = new int[rows];
        for (int r = 0; r < rows; r++) {
            int offset = r * numClasses;
            int best = 0;
            for (int c = 0; c < numClasses; c++) {
                float value = logits[offset + c];
                if (Float.isNaN(value)) {
                    // A NaN would silently lose every comparison and hide a diverged model.
                    throw new IllegalArgumentException("logits row " + r + ", class " + c + " is NaN");
                }
                if (value > logits[offset + best]) {
                    best = c;
                }
            }
            classes[r] = best;
        }
        return classes;
    }

    private boolean count(int label, int oldPrediction, int newPrediction) {
        boolean oldCorrect = oldPrediction == label;
        boolean newCorrect = newPrediction == label;
        total++;
        samplesPerClass[label]++;
        if (!oldCorrect) {
            oldErrors++;
        }
        if (!newCorrect) {
            newErrors++;
        }
        if (!oldCorrect && newCorrect) {
            positiveFlips++;
        }
        if (oldCorrect && !newCorrect) {
            negativeFlips++;
            negativeFlipsPerClass[label]++;
            return true;
        }
        return false;
    }

    private void validate(int[] labels, int[] oldPredictions, int[] newPredictions) {
        if (oldPredictions.length != labels.length || newPredictions.length != labels.length) {
            throw new IllegalArgumentException(
                    "Lengths differ: labels "
                            + labels.length
                            + ", oldPredictions "
                            + oldPredictions.length
                            + ", newPredictions "
                            + newPredictions.length);
        }
        checkClasses("labels", labels);
        checkClasses("oldPredictions", oldPredictions);
        checkClasses("newPredictions", newPredictions);
    }

    private void checkClasses(String name, int[] classes) {
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] < 0 || classes[i] >= numClasses) {
                throw new IllegalArgumentException(
                        name + "[" + i + "] = " + classes[i] + " is outside [0, " + numClasses + ")");
            }
        }
    }

    /** A growable primitive long array; boxing every flip index would cost 4x the memory. */
    private static final class LongList implements Serializable {
        private static final long serialVersionUID = 1L;
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        LongList copy() {
            LongList copy = new LongList();
            copy.values = Arrays.copyOf(values, Math.max(16, size));
            copy.size = size;
            return copy;
        }
    }
}
