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
