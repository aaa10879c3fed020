package dev.pct.train.job;

import ai.djl.ndarray.types.Shape;
import dev.pct.train.config.DataConfig;
import dev.pct.train.config.PreprocessingConfig;
import dev.pct.train.config.SyntheticConfig;
import dev.pct.train.data.Augmentation;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.ChannelOrder;
import dev.pct.train.data.CifarReader;
import dev.pct.train.data.DataFormatException;
import dev.pct.train.data.IdxReader;
import dev.pct.train.data.ImageFolderSource;
import dev.pct.train.data.ImageSet;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.PcData;
import dev.pct.train.data.SampleSource;
import dev.pct.train.data.Splits;
import dev.pct.train.data.SyntheticData;
import dev.pct.train.data.TrainTestSets;
import dev.pct.train.data.TrainValidation;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data of a job: the training split (augmented when configured), the validation split and the test set,
 * prepared for the new model (an image folder's images brought to {@code data.image_size}; normalized with
 * the configured statistics or those of the training split) and, when the old model is a model file, the old
 * model's own way. In-memory sets (IDX, CIFAR, synthetic) and image folders read on demand go through the same
 * batch makers.
 *
 * @param data the splits as the training sees them
 * @param trainSet the training split's samples (original indices for the logits files)
 * @param validationSet the validation split's samples
 * @param testSet the test set's samples
 */
record JobData(PcData data, SampleSource trainSet, SampleSource validationSet, SampleSource testSet) {
    private static final Logger LOG = LoggerFactory.getLogger(JobData.class);

    /**
     * Loads the configured data.
     *
     * @param config the data section
     * @param splitSeed the seed of the train/validation split (the same for all seeds of a job)
     * @param oldInput the old model's preprocessing, or null when it takes the new model's input
     * @return the job's data
     */
    static JobData load(DataConfig config, long splitSeed, PreprocessingConfig oldInput) {
        TrainTestSets<SampleSource> sets = read(config, splitSeed);
        SampleSource train = sets.train();
        SampleSource test = sets.test();
        if (config.trainLimit() > 0) {
            train = train.limit(config.trainLimit());
        }
        if (config.testLimit() > 0) {
            test = test.limit(config.testLimit());
        }
        SampleSource validation;
        if (config.validationFraction() > 0) {
            TrainValidation<SampleSource> split = Splits.trainValidation(train, config.validationFraction(),
                    splitSeed);
            train = split.train();
            validation = split.validation();
        } else {
            validation = train.subset(new int[0]);
        }
        ModelInput newInput = newModelInput(config, train, splitSeed);
        Augmentation augmentation = new Augmentation(
                config.augment().randomCropPadding(), config.augment().horizontalFlip());
        PcData.OldViews old = null;
        if (oldInput != null) {
            ModelInput input = oldModelInput(oldInput, train, newInput);
            old = new PcData.OldViews(batches(train, input, augmentation, newInput),
                    batches(train, input, Augmentation.NONE, newInput),
                    batches(validation, input, Augmentation.NONE, newInput),
                    batches(test, input, Augmentation.NONE, newInput));
        }
        PcData data = new PcData(
                batches(train, newInput, augmentation, newInput),
                batches(train, newInput, Augmentation.NONE, newInput),
                batches(validation, newInput, Augmentation.NONE, newInput),
                batches(test, newInput, Augmentation.NONE, newInput),
                old,
                newInput,
                test.classNames());
        return new JobData(data, train, validation, test);
    }

    /**
     * Returns the new model's input: the data's shape for in-memory sets, {@code data.image_size} and {@code
     * data.resize} for an image folder; normalized with {@code data.mean}/{@code std} when given, else with
     * statistics of the training split.
     */
    static ModelInput newModelInput(DataConfig config, SampleSource train, long seed) {
        Shape fixed = train.fixedShape();
        int channels = fixed != null ? (int) fixed.get(0) : config.channels();
        ModelInput shaping = fixed != null
                ? new ModelInput(channels, (int) fixed.get(1), (int) fixed.get(2), ChannelOrder.RGB,
                        Normalizer.identity(channels))
                : new ModelInput(channels, config.imageSize().get(0), config.imageSize().get(1), ChannelOrder.RGB,
                        config.resize(), config.cropFraction(), Normalizer.identity(channels));
        if (!config.normalize()) {
            return shaping;
        }
        if (!config.mean().isEmpty()) {
            if (config.mean().size() != channels) {
                throw new IllegalArgumentException("data.mean: " + config.mean().size() + " values, but "
                        + train.source() + " has " + channels + " channels; give one value per channel");
            }
            return shaping.withNormalizer(new Normalizer(floats(config.mean()), floats(config.std())));
        }
        long start = System.nanoTime();
        Normalizer fitted = Normalizer.fit(train, shaping, Normalizer.FIT_SAMPLES, seed);
        if (fixed == null) {
            LOG.info("Normalization measured on {} images of {} in {} s: mean {}, std {} (set data.mean and data.std"
                    + " to skip this)", Math.min(Normalizer.FIT_SAMPLES, train.size()), train.source(),
                    String.format("%.1f", (System.nanoTime() - start) / 1e9), Arrays.toString(fitted.mean()),
                    Arrays.toString(fitted.std()));
        }
        return shaping.withNormalizer(fitted);
    }

    /**
     * Returns a model file's input: the configured size, channels, order, resize and normalization; the data's
     * size and channels where unset (for an image folder, whose images have no one size, the new model's).
     *
     * @param p the configured preprocessing
     * @param data the data set
     * @param newInput the new model's input
     * @return the input
     */
    static ModelInput oldModelInput(PreprocessingConfig p, SampleSource data, ModelInput newInput) {
        Shape fixed = data.fixedShape();
        int channels = p.channels() > 0 ? p.channels() : data.channels();
        int height = !p.imageSize().isEmpty() ? p.imageSize().get(0)
                : fixed != null ? (int) fixed.get(1) : newInput.height();
        int width = !p.imageSize().isEmpty() ? p.imageSize().get(1)
                : fixed != null ? (int) fixed.get(2) : newInput.width();
        Normalizer normalizer = Normalizer.identity(channels);
        if (!p.mean().isEmpty()) {
            if (p.mean().size() != channels) {
                throw new IllegalArgumentException("old_model.preprocessing.mean: " + p.mean().size() + " values for a "
                        + channels + "-channel input (the data has " + data.channels() + " channels)");
            }
            normalizer = new Normalizer(floats(p.mean()), floats(p.std()));
        }
        return new ModelInput(channels, height, width, p.channelOrder(), p.resize(), p.cropFraction(), normalizer);
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    /** Batches of a split for one model; augmentation shifts are in pixels of the new model's input. */
    private static ImageBatches batches(SampleSource set, ModelInput input, Augmentation augmentation,
            ModelInput newInput) {
        return new ImageBatches(BatchMaker.builder()
                .setData(set)
                .optInput(input)
                .optAugmentation(augmentation)
                .optAugmentationFrame(newInput.height(), newInput.width())
                .build());
    }

    /**
     * Reads the configured data set's training and test files.
     *
     * @param config the data section
     * @param seed the seed of generated data
     * @return the two sets
     */
    static TrainTestSets<SampleSource> read(DataConfig config, long seed) {
        Path path = config.path();
        switch (config.source()) {
            case IDX:
                // IDX files carry no class count: the largest label of either split tells it.
                ImageSet idxTrain = IdxReader.readDirectory(path, true, 0);
                ImageSet idxTest = IdxReader.readDirectory(path, false, 0);
                int idxClasses = Math.max(idxTrain.numClasses(), idxTest.numClasses());
                idxTrain = idxTrain.withNumClasses(idxClasses);
                idxTest = idxTest.withNumClasses(idxClasses);
                if (path.toString().contains("fashion")) {
                    idxTrain = idxTrain.withClassNames(IdxReader.FASHION_MNIST_CLASS_NAMES);
                    idxTest = idxTest.withClassNames(IdxReader.FASHION_MNIST_CLASS_NAMES);
                }
                return new TrainTestSets<>(idxTrain, idxTest);
            case CIFAR10:
                return new TrainTestSets<>(CifarReader.readCifar10(path, true), CifarReader.readCifar10(path, false));
            case CIFAR100:
                return new TrainTestSets<>(
                        CifarReader.readCifar100(path, true), CifarReader.readCifar100(path, false));
            case IMAGE_FOLDER:
                // Listed, not read: images are decoded batch by batch on the workers.
                ImageFolderSource folderTrain = ImageFolderSource.open(path.resolve("train"), config.channels());
                ImageFolderSource folderTest = ImageFolderSource.open(path.resolve("test"), config.channels());
                if (!folderTrain.classNames().equals(folderTest.classNames())) {
                    throw new DataFormatException(path + ": train/ and test/ have different class folders: "
                            + folderTrain.classNames() + " and " + folderTest.classNames());
                }
                return new TrainTestSets<>(folderTrain, folderTest);
            case SYNTHETIC:
                SyntheticConfig s = config.synthetic();
                TrainTestSets<ImageSet> generated = SyntheticData.generate(s.trainSize(), s.testSize(), s.classes(),
                        s.channels(), s.height(), s.width(), s.noise(), seed);
                return new TrainTestSets<>(generated.train(), generated.test());
            default:
                throw new IllegalArgumentException("data.source: unknown source " + config.source());
        }
    }
}
