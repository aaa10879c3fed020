package dev.pct.train.job;

import dev.pct.train.config.DataConfig;
import dev.pct.train.config.SyntheticConfig;
import dev.pct.train.data.Augmentation;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.CifarReader;
import dev.pct.train.data.IdxReader;
import dev.pct.train.data.ImageFolderReader;
import dev.pct.train.data.ImageSet;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.Splits;
import dev.pct.train.data.SyntheticData;
import dev.pct.train.data.TrainTestSets;
import dev.pct.train.data.TrainValidation;
import java.nio.file.Path;

/**
 * The data of a job: the training split (augmented when configured), the validation split and the test set,
 * normalized with statistics of the training split.
 *
 * @param train batches of the training split, with augmentation
 * @param trainPlain batches of the training split without augmentation (for the old model's logits)
 * @param validation batches of the validation split (may be empty)
 * @param test batches of the test set
 * @param trainSet the training split
 * @param testSet the test set
 */
record JobData(
        ImageBatches train,
        ImageBatches trainPlain,
        ImageBatches validation,
        ImageBatches test,
        ImageSet trainSet,
        ImageSet testSet) {

    /**
     * Loads the configured data.
     *
     * @param config the data section
     * @param splitSeed the seed of the train/validation split (the same for all seeds of a job)
     * @return the job's data
     */
    static JobData load(DataConfig config, long splitSeed) {
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
        Augmentation augmentation = new Augmentation(
                config.augment().randomCropPadding(), config.augment().horizontalFlip());
        return new JobData(
                batches(train, normalizer, augmentation),
                batches(train, normalizer, Augmentation.NONE),
                batches(validation, normalizer, Augmentation.NONE),
                batches(test, normalizer, Augmentation.NONE),
                train,
                test);
    }

    private static ImageBatches batches(ImageSet set, Normalizer normalizer, Augmentation augmentation) {
        return new ImageBatches(BatchMaker.builder()
                .setData(set)
                .optNormalizer(normalizer)
                .optAugmentation(augmentation)
                .build());
    }

    private static TrainTestSets read(DataConfig config, long seed) {
        Path path = config.path();
        switch (config.source()) {
            case IDX:
                ImageSet idxTrain = IdxReader.readDirectory(path, true);
                ImageSet idxTest = IdxReader.readDirectory(path, false);
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
