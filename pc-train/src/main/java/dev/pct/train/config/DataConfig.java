package dev.pct.train.config;

import dev.pct.train.data.ResizeMode;
import java.nio.file.Path;
import java.util.List;

/**
 * Which data set the job uses; how it is split, limited, prepared for the new model (size, normalization),
 * augmented, and loaded (worker threads).
 *
 * @param source where the images come from; required, one of {@code idx, cifar10, cifar100, image-folder,
 *     synthetic}
 * @param path folder holding the data files; required unless {@code source} is synthetic. A relative path in
 *     the job file is resolved against the job file's folder, one given with {@code --set} against the working
 *     directory; {@code ~/} means the user's home. Always absolute after loading
 * @param validationFraction share of the training set held out (stratification is up to the data
 *     loader) to choose hyperparameters on; YAML {@code validation_fraction}, a number in [0, 0.5), default 0.1
 * @param normalize whether to standardize pixels per channel (otherwise they are intensities in [0, 1]): with
 *     {@code mean} and {@code std} when given, else with the training split's statistics (all of an in-memory
 *     set; a seeded sample of 2048 images of an image folder); default true
 * @param trainLimit use only the first this many training samples (before the validation split); YAML
 *     {@code train_limit}, an integer &gt;= 0, 0 = all (default)
 * @param testLimit use only the first this many test samples; YAML {@code test_limit}, an integer &gt;= 0,
 *     0 = all (default)
 * @param augment training-time augmentation, default none
 * @param imageSize {@code [height, width]} of the new model's input, which images of an image folder (of any
 *     sizes) are brought to; only read for {@code image-folder}; YAML {@code image_size}, two integers &gt;= 1,
 *     default [32, 32]
 * @param channels image channels to decode to, 1 (grayscale) or 3 (RGB); only read for {@code image-folder};
 *     default 3
 * @param resize how an image folder's images reach {@code image_size}: {@code stretch} (default; bilinear,
 *     aspect ratio not kept) or {@code center_crop} (resize the shorter side to {@code image_size /
 *     crop_fraction}, keep the center: the usual ImageNet evaluation transform)
 * @param cropFraction for {@code center_crop}, the share of the resized image kept, in (0, 1]; YAML {@code
 *     crop_fraction}, default 0.875 (256 then 224)
 * @param mean per-channel mean of intensities in [0, 1] for the new model's normalization; empty (default) to
 *     measure it on the training split
 * @param std per-channel standard deviation, as {@code mean}
 * @param workers threads that read, decode, augment and normalize batches ahead of the training step; 0 does
 *     it on the training thread; default 2. On a GPU machine, about one per free CPU core
 * @param prefetch batches prepared ahead of the one in use, &gt;= 1; default 4
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
        ResizeMode resize,
        double cropFraction,
        List<Double> mean,
        List<Double> std,
        int workers,
        int prefetch,
        SyntheticConfig synthetic) {

    /** Makes the lists immutable. */
    public DataConfig {
        imageSize = Lists.copy(imageSize);
        mean = Lists.copy(mean);
        std = Lists.copy(std);
    }

    /** The defaults with the required source (and path) left null, for the loader to fill from YAML. */
    static DataConfig template() {
        return new DataConfig(null, null, 0.1, true, 0, 0, AugmentConfig.defaults(), List.of(32, 32), 3,
                ResizeMode.STRETCH, 0.875, List.of(), List.of(), 2, 4,
                SyntheticConfig.defaults());
    }
}
