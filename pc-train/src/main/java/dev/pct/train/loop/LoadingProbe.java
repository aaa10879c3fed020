package dev.pct.train.loop;

import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.BatchSource;
import java.util.Arrays;
import java.util.Random;

/**
 * Measures the input pipeline alone: how many images per second the workers prepare (read, decode, augment,
 * normalize) when nothing consumes them but a loop that takes each batch as soon as it is ready. Compared
 * with the training rate it tells a user whether loading or training limits the run.
 */
public final class LoadingProbe {
    private LoadingProbe() {}

    /**
     * Prepares shuffled training batches for about {@code seconds} (or one epoch, if shorter) and returns the
     * rate. The first batches (the workers' warm-up) count too, so the rate is a slight underestimate on a short
     * probe.
     *
     * @param data the training split
     * @param batchSize the training batch size
     * @param workers the workers to measure
     * @param seconds how long to measure at most
     * @param seed the seed of the order and the augmentation
     * @return images per second, or NaN for an empty split
     */
    public static double imagesPerSecond(BatchSource data, int batchSize, Prefetcher workers, double seconds,
            long seed) {
        int n = data.size();
        if (n == 0) {
            return Double.NaN;
        }
        int[] order = BatchMaker.shuffledIndices(n, new Random(seed));
        int count = (n + batchSize - 1) / batchSize;
        long start = System.nanoTime();
        long limit = start + (long) (seconds * 1e9);
        long images = 0;
        try (Prefetcher.Batches<Integer> batches = workers.start(count, b -> {
            int[] indices = Arrays.copyOfRange(order, b * batchSize, Math.min(n, (b + 1) * batchSize));
            data.prepare(indices, data.augments() ? new Random(seed + b) : null);
            return indices.length;
        })) {
            for (int b = 0; b < count && System.nanoTime() < limit; b++) {
                images += batches.next();
            }
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }
}
