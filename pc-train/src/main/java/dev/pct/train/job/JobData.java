package dev.pct.train.job;

import dev.pct.train.config.DataConfig;
import dev.pct.train.config.PreprocessingConfig;
import dev.pct.train.config.SyntheticConfig;
import dev.pct.train.data.Augmentation;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.CifarReader;
import dev.pct.train.data.IdxReader;
import dev.pct.train.data.ImageFolderReader;
import dev.pct.train.data.ImageSet;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.PcData;
import dev.pct.train.data.Splits;
import dev.pct.train.data.SyntheticData;
import dev.pct.train.data.TrainTestSets;
import dev.pct.train.data.TrainValidation;
import java.nio.file.Path;
import java.util.List;

/**
 * The data of a job: the training split (augmented when configured), the validation split and the test set,
 * normalized with statistics of the training split for the new model, and prepared the old model's own way
 * when it is a model file.
 *
 * @param data the splits as the training sees them
 * @param trainSet the training split's samples (original indices for the logits files)
 * @param validationSet the validation split's samples
 * @param testSet the test set's samples
 */
record JobData(PcData data, ImageSet trainSet, ImageSet validationSet, ImageSet testSet) {

    /**
     * Loads the configured data.
     *
     * @param config the data section
     * @param splitSeed the seed of the train/validation split (the same for all seeds of a job)
     * @param oldInput the old model's preprocessing, or null when it takes the new model's input
     * @return the job's data
     */
    static JobData load(DataConfig config, long splitSeed, PreprocessingConfig oldInput) {
        TrainTestSets sets = read(config, splitSeed);
        ImageSet train = sets.train();
        ImageSet test = sets.test();
        if (config.trainLimit() > 0) {
            train = train.limit(config.trainLimit());
        }
        if (config.testLimit() > 0) {
            test = test.limit(config.testLimit());
        }
        ImageSet validation;
        if (config.validationFraction() > 0) {
            TrainValidation split = Splits.trainValidation(train, config.validationFraction(), splitSeed);
            train = split.train();
            validation = split.validation();
        } else {
            validation = train.subset(new int[0]);
        }
        Normalizer normalizer = config.normalize() ? Normalizer.fit(train) : Normalizer.identity(train.channels());
        ModelInput newInput = ModelInput.of(train, normalizer);
        Augmentation augmentation = new Augmentation(
                config.augment().randomCropPadding(), config.augment().horizontalFlip());
        PcData.OldViews old = null;
        if (oldInput != null) {
            ModelInput input = oldModelInput(oldInput, train);
            old = new PcData.OldViews(batches(train, input, augmentation), batches(train, input, Augmentation.NONE),
                    batches(validation, input, Augmentation.NONE), batches(test, input, Augmentation.NONE));
        }
        PcData data = new PcData(
                batches(train, newInput, augmentation),
                batches(train, newInput, Augmentation.NONE),
                batches(validation, newInput, Augmentation.NONE),
                batches(test, newInput, Augmentation.NONE),
                old,
                newInput,
                test.classNames());
        return new JobData(data, train, validation, test);
    }

    /**
     * Returns a model file's input: the configured size, channels, order and normalization, the data's where
     * unset.
     *
     * @param p the configured preprocessing
     * @param data the data set
     * @return the input
     */
    static ModelInput oldModelInput(PreprocessingConfig p, ImageSet data) {
        int channels = p.channels() > 0 ? p.channels() : data.channels();
        int height = p.imageSize().isEmpty() ? data.height() : p.imageSize().get(0);
        int width = p.imageSize().isEmpty() ? data.width() : p.imageSize().get(1);
        Normalizer normalizer = Normalizer.identity(channels);
        if (!p.mean().isEmpty()) {
            if (p.mean().size() != channels) {
                throw new IllegalArgumentException("old_model.preprocessing.mean: " + p.mean().size() + " values for a "
                        + channels + "-channel input (the data has " + data.channels() + " channels)");
            }
            normalizer = new Normalizer(floats(p.mean()), floats(p.std()));
        }
        return new ModelInput(channels, height, width, p.channelOrder(), normalizer);
    }

    private static float[] floats(List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    private static ImageBatches batches(ImageSet set, ModelInput input, Augmentation augmentation) {
        return new ImageBatches(BatchMaker.builder()
                .setData(set)
                .optInput(input)
                .optAugmentation(augmentation)
                .build());
    }

    /**
     * Reads the configured data set's training and test files.
     *
     * @param config the data section
     * @param seed the seed of generated data
     * @return the two sets
     */
    static TrainTestSets read(DataConfig config, long seed) {
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
                return new TrainTestSets(idxTrain, idxTest);
            case CIFAR10:
                return new TrainTestSets(CifarReader.readCifar10(path, true), CifarReader.readCifar10(path, false));
            case CIFAR100:
                return new TrainTestSets(
                        CifarReader.readCifar100(path, true), CifarReader.readCifar100(path, false));
            case IMAGE_FOLDER:
                int h = config.imageSize().get(0);
                int w = config.imageSize().get(1);
                return new TrainTestSets(
                        ImageFolderReader.read(path.resolve("train"), config.channels(), h, w),
                        ImageFolderReader.read(path.resolve("test"), config.channels(), h, w));
            case SYNTHETIC:
                SyntheticConfig s = config.synthetic();
                return SyntheticData.generate(s.trainSize(), s.testSize(), s.classes(), s.channels(), s.height(),
                        s.width(), s.noise(), seed);
            default:
                throw new IllegalArgumentException("data.source: unknown source " + config.source());
        }
    }
}
