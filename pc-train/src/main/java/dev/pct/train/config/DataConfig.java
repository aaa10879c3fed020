package dev.pct.train.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Which data set the job uses and how it is split, limited, normalized and augmented.
 *
 * @param source where the images come from; required, one of {@code idx, cifar10, cifar100, image-folder,
 *     synthetic}
 * @param path folder holding the data files; required unless {@code source} is synthetic. A relative path in
 *     the job file is resolved against the job file's folder, one given with {@code --set} against the working
 *     directory; {@code ~/} means the user's home. Always absolute after loading
 * @param validationFraction share of the training set held out (stratification is up to the data
 *     loader) to choose hyperparameters on; YAML {@code validation_fraction}, a number in [0, 0.5), default 0.1
 * @param normalize whether to standardize pixels with the training set's per-channel mean and standard
 *     deviation (otherwise pixels are scaled to [0, 1]); default true
 * @param trainLimit use only the first this many training samples (before the validation split); YAML
 *     {@code train_limit}, an integer &gt;= 0, 0 = all (default)
 * @param testLimit use only the first this many test samples; YAML {@code test_limit}, an integer &gt;= 0,
 *     0 = all (default)
 * @param augment training-time augmentation, default none
 * @param imageSize {@code [height, width]} images are resized to; only read for {@code image-folder}; YAML
 *     {@code image_size}, two integers &gt;= 1, default [32, 32]
 * @param channels image channels to decode to, 1 (grayscale) or 3 (RGB); only read for {@code image-folder};
 *     default 3
 * @param synthetic generated data shape; only read for {@code synthetic}
 */
public record DataConfig(
        DataSource source,
        Path path,
        double validationFraction,
        boolean normalize,
        int trainLimit,
        int testLimit,
        AugmentConfig augment,
        List<Integer> imageSize,
        int channels,
        SyntheticConfig synthetic) {

    /** Makes the lists immutable. */
    public DataConfig {
        imageSize = Lists.copy(imageSize);
    }

    /** The defaults with the required source (and path) left null, for the loader to fill from YAML. */
    static DataConfig template() {
        return new DataConfig(null, null, 0.1, true, 0, 0, AugmentConfig.defaults(), List.of(32, 32), 3,
                SyntheticConfig.defaults());
    }
}
