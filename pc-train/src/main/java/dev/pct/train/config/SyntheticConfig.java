package dev.pct.train.config;

/**
 * Shape of the generated data set used when {@code data.source} is {@code synthetic} (smoke tests, benchmarks).
 *
 * @param trainSize number of training samples; YAML {@code train_size}, an integer &gt;= 1, default 512
 * @param testSize number of test samples; YAML {@code test_size}, an integer &gt;= 1, default 256
 * @param classes number of classes; an integer &gt;= 2, default 4
 * @param channels image channels; an integer &gt;= 1, default 1
 * @param height image height in pixels; an integer &gt;= 1, default 8
 * @param width image width in pixels; an integer &gt;= 1, default 8
 * @param noise standard deviation of the Gaussian noise around each class mean; larger is harder; a number
 *     &gt;= 0, default 1.0
 */
public record SyntheticConfig(
        int trainSize, int testSize, int classes, int channels, int height, int width, double noise) {

    /**
     * Returns the defaults: 512 train / 256 test images of 8x8x1 in 4 classes with noise 1.0.
     *
     * @return the default synthetic data shape
     */
    public static SyntheticConfig defaults() {
        return new SyntheticConfig(512, 256, 4, 1, 8, 8, 1.0);
    }
}
