package dev.pct.train.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A per-channel standardization {@code (x - mean[c]) / std[c]} of intensities in [0, 1].
 *
 * <p>Fit it on the training split only, so that validation and test data carry no information
 * into training.
 *
 * @param mean the mean intensity of each channel
 * @param std the standard deviation of each channel, > 0
 */
public record Normalizer(float[] mean, float[] std) {

    /** Validates the statistics. */
    public Normalizer {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException(
                    "mean and std need one entry per channel, got "
                            + mean.length
                            + " and "
                            + std.length);
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c]) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException(
                        "channel " + c + ": need finite mean and std > 0, got " + mean[c] + ", " + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Returns the normalizer that leaves intensities unchanged.
     *
     * @param channels the number of channels
     * @return mean 0, std 1 per channel
     */
    public static Normalizer identity(int channels) {
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new Normalizer(new float[channels], ones);
    }

    /**
     * Computes the per-channel mean and population standard deviation of a set's intensities.
     *
     * <p>A constant channel gets std 1, so that it maps to 0 rather than to infinity.
     *
     * @param set the set, usually the training split
     * @return the fitted normalizer
     */
    public static Normalizer fit(ImageSet set) {
        if (set.size() == 0) {
            throw new IllegalArgumentException("cannot fit a normalizer on the empty set " + set.source());
        }
        int channels = set.channels();
        int plane = set.height() * set.width();
        long[] sum = new long[channels];
        long[] sumSq = new long[channels];
        byte[] p = set.pixels();
        // Exact integer sums of bytes avoid float64 cancellation in E[x^2] - E[x]^2.
        for (int i = 0; i < set.size(); i++) {
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                long s = 0;
                long s2 = 0;
                for (int j = 0; j < plane; j++) {
                    int v = p[base + j] & 0xFF;
                    s += v;
                    s2 += v * v;
                }
                sum[c] += s;
                sumSq[c] += s2;
            }
        }
        double count = (double) set.size() * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            double var = Math.max(0, sumSq[c] / count - m * m);
            double sd = Math.sqrt(var) / 255.0;
            mean[c] = (float) (m / 255.0);
            std[c] = sd > 1e-6 ? (float) sd : 1f;
        }
        return new Normalizer(mean, std);
    }

    /** Samples at most this many images to estimate the statistics of a source read from files. */
    public static final int FIT_SAMPLES = 2048;

    /**
     * Computes the per-channel statistics of a source's samples as a model sees them: after its input's
     * resize and channel mapping, before normalization. An in-memory set at its own shape is measured
     * exactly ({@link #fit(ImageSet)}); otherwise up to {@code maxSamples} samples, drawn by a seeded
     * shuffle, are decoded (on the common fork-join pool) and measured in float64. The result does not depend
     * on the number of threads.
     *
     * @param set the set, usually the training split
     * @param input the model input the statistics are for (its own normalizer is ignored)
     * @param maxSamples how many samples to measure at most, &gt;= 1
     * @param seed the seed of the draw
     * @return the fitted normalizer, with {@code input}'s channels
     */
    public static Normalizer fit(SampleSource set, ModelInput input, int maxSamples, long seed) {
        if (set.size() == 0) {
            throw new IllegalArgumentException("cannot fit a normalizer on the empty set " + set.source());
        }
        if (set instanceof ImageSet memory && input.keepsShape(memory.channels(), memory.height(), memory.width())) {
            return fit(memory);
        }
        int[] order = BatchMaker.shuffledIndices(set.size(), new java.util.Random(seed));
        int n = Math.min(maxSamples, order.length);
        int channels = input.channels();
        int plane = input.height() * input.width();
        int chunk = 32;
        int chunks = (n + chunk - 1) / chunk;
        // Per chunk: sum and sum of squares per channel; summed in chunk order, so threads do not change it.
        double[][] partial = new double[chunks][];
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(k -> {
            double[] acc = new double[2 * channels];
            float[] out = new float[input.sampleSize()];
            for (int i = k * chunk; i < Math.min(n, (k + 1) * chunk); i++) {
                Image image = set.read(order[i]);
                input.shape(image.values(), 0, image.channels(), image.height(), image.width(), out, 0);
                for (int c = 0; c < channels; c++) {
                    double sum = 0;
                    double sumSq = 0;
                    for (int j = c * plane; j < (c + 1) * plane; j++) {
                        sum += out[j];
                        sumSq += (double) out[j] * out[j];
                    }
                    acc[c] += sum;
                    acc[channels + c] += sumSq;
                }
            }
            partial[k] = acc;
        });
        double count = (double) n * plane;
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double sumSq = 0;
            for (double[] p : partial) {
                sum += p[c];
                sumSq += p[channels + c];
            }
            double m = sum / count;
            double sd = Math.sqrt(Math.max(0, sumSq / count - m * m));
            mean[c] = (float) m;
            std[c] = sd > 1e-6 ? (float) sd : 1f;
        }
        return new Normalizer(mean, std);
    }

    /**
     * Returns the number of channels.
     *
     * @return the number of channels
     */
    public int channels() {
        return mean.length;
    }

    /**
     * Standardizes one C×H×W sample in place.
     *
     * @param buf the buffer
     * @param offset where the sample starts
     * @param plane height × width
     */
    public void apply(float[] buf, int offset, int plane) {
        for (int c = 0; c < mean.length; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            int base = offset + c * plane;
            for (int j = 0; j < plane; j++) {
                buf[base + j] = (buf[base + j] - m) * inv;
            }
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalizer[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
