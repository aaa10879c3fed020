package dev.pct.train.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Some samples of another source, renumbered from 0: e.g. the half of the training split an old model was trained
 * on in a data-growth update. Batches are read from the source (its preparation, augmentation and labels).
 */
public final class SubsetBatches implements BatchSource {
    private final BatchSource source;
    private final int[] indices;
    private final int[] labels;
    private final String description;

    private SubsetBatches(BatchSource source, int[] indices, String description) {
        this.source = source;
        this.indices = indices;
        this.description = description;
        int[] all = source.labels();
        this.labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            labels[i] = all[indices[i]];
        }
    }

    /**
     * Returns a fraction of a source's samples: the first {@code round(fraction * size)} of a shuffle by the seed,
     * in their shuffled order.
     *
     * @param source the samples
     * @param fraction the share kept, in (0, 1]
     * @param seed the shuffle's seed
     * @return the subset (the source itself for fraction 1)
     * @throws IllegalArgumentException if the fraction is outside (0, 1] or keeps no sample
     */
    public static BatchSource fraction(BatchSource source, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction: expected a number in (0, 1], got " + fraction);
        }
        if (fraction == 1) {
            return source;
        }
        int keep = (int) Math.round(fraction * source.size());
        if (keep < 1) {
            throw new IllegalArgumentException("fraction " + fraction + " of " + source.size() + " samples keeps none");
        }
        int[] indices = Arrays.copyOf(shuffled(source.size(), seed), keep);
        return new SubsetBatches(source, indices, keep + " of " + source.size() + " samples (fraction " + fraction
                + ", shuffle seed " + seed + ")");
    }

    /**
     * Returns 0, ..., n - 1 in the order of {@link Collections#shuffle} by {@code new Random(seed)}.
     *
     * @param n how many indices
     * @param seed the shuffle's seed
     * @return the shuffled indices
     */
    public static int[] shuffled(int n, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] map(int[] batch) {
        int[] out = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            out[i] = indices[batch[i]];
        }
        return out;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public int numClasses() {
        return source.numClasses();
    }

    @Override
    public Shape sampleShape() {
        return source.sampleShape();
    }

    @Override
    public NDArray images(NDManager manager, int[] batch, Random augment) {
        return source.images(manager, map(batch), augment);
    }

    @Override
    public HostBatch prepare(int[] batch, Random augment) {
        return source.prepare(map(batch), augment);
    }

    @Override
    public String fingerprint() {
        return source.fingerprint() + ", " + description;
    }

    @Override
    public String inputDescription() {
        return source.inputDescription();
    }

    @Override
    public boolean augments() {
        return source.augments();
    }
}
