package dev.pct.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generator of seeded synthetic image classification data that is learnable but not trivially.
 *
 * <p>Each class {@code k} has a smooth prototype image {@code P_k}: per channel, 0.5 plus two
 * random plane waves of amplitude 0.15 (so spatial structure exists for convolutions). A sample of
 * class {@code y} is {@code (1 - m) P_y + m P_j + noise * N(0, 1)} per pixel, with a random other
 * class {@code j} and a mixing weight {@code m ~ U(0, 0.6)}, clipped to [0, 1] and quantized to 8
 * bits. Samples with {@code m} near 0.5 look like both classes, so no classifier reaches 100%
 * (about a sixth of the samples are ambiguous), while a linear model is far above chance; {@code
 * noise} makes the task harder still.
 */
public final class SyntheticData {

    /** The largest weight of the distracting class in a sample. */
    public static final double MAX_MIX = 0.6;

    private SyntheticData() {}

    /**
     * Generates a training set and a test set from the same class prototypes.
     *
     * @param trainSize the number of training samples, >= 1
     * @param testSize the number of test samples, >= 1
     * @param classes the number of classes, >= 2
     * @param channels the number of channels, >= 1
     * @param height the image height, >= 1
     * @param width the image width, >= 1
     * @param noise the standard deviation of the per-pixel Gaussian noise, in intensity units
     *     (pixels lie in [0, 1]), >= 0
     * @param seed the seed; equal arguments give equal data
     * @return the two sets
     */
    public static TrainTestSets<ImageSet> generate(
            int trainSize,
            int testSize,
            int classes,
            int channels,
            int height,
            int width,
            double noise,
            long seed) {
        if (trainSize < 1 || testSize < 1) {
            throw new IllegalArgumentException(
                    "trainSize and testSize must be >= 1, got " + trainSize + ", " + testSize);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        }
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "channels, height, width must be >= 1, got "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise must be finite and >= 0, got " + noise);
        }
        Random rng = new Random(seed);
        int sample = channels * height * width;
        double[][] prototypes = new double[classes][sample];
        for (int k = 0; k < classes; k++) {
            for (int c = 0; c < channels; c++) {
                double[] wave1 = wave(rng, height, width);
                double[] wave2 = wave(rng, height, width);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        prototypes[k][(c * height + y) * width + x] =
                                0.5
                                        + 0.15 * Math.sin(wave1[0] * y + wave1[1] * x + wave1[2])
                                        + 0.15 * Math.sin(wave2[0] * y + wave2[1] * x + wave2[2]);
                    }
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add("class" + k);
        }
        String source = "synthetic(seed=" + seed + ", noise=" + noise + ")";
        ImageSet train =
                sample(rng, prototypes, trainSize, classes, channels, height, width, noise, names, source + "/train");
        ImageSet test =
                sample(rng, prototypes, testSize, classes, channels, height, width, noise, names, source + "/test");
        return new TrainTestSets<>(train, test);
    }

    /** Draws a plane wave: frequencies up to three cycles across the image, and a phase. */
    private static double[] wave(Random rng, int height, int width) {
        double fy = (rng.nextDouble() * 2 - 1) * 3 * 2 * Math.PI / height;
        double fx = (rng.nextDouble() * 2 - 1) * 3 * 2 * Math.PI / width;
        return new double[] {fy, fx, rng.nextDouble() * 2 * Math.PI};
    }

    private static ImageSet sample(
            Random rng,
            double[][] prototypes,
            int n,
            int classes,
            int channels,
            int height,
            int width,
            double noise,
            List<String> names,
            String source) {
        int size = channels * height * width;
        byte[] pixels = new byte[Math.multiplyExact(n, size)];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int y = rng.nextInt(classes);
            int j = (y + 1 + rng.nextInt(classes - 1)) % classes;
            double m = MAX_MIX * rng.nextDouble();
            labels[i] = y;
            for (int p = 0; p < size; p++) {
                double v =
                        (1 - m) * prototypes[y][p]
                                + m * prototypes[j][p]
                                + noise * rng.nextGaussian();
                v = Math.min(1, Math.max(0, v));
                pixels[i * size + p] = (byte) Math.round(v * 255);
            }
        }
        return ImageSet.of(pixels, labels, classes, channels, height, width, names, source);
    }
}
