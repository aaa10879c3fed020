package dev.pct.train.job;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.api.Devices;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.ChannelOrder;
import dev.pct.train.data.IdxReader;
import dev.pct.train.data.ImageFolderSource;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.ResizeMode;
import dev.pct.train.data.SampleSource;
import dev.pct.train.export.ModelExport;
import dev.pct.train.io.PredictionFiles;
import dev.pct.train.io.Spelling;
import dev.pct.train.loop.Inference;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.update.OldModel;
import dev.pct.train.update.OldModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code pc-train predict MODEL DATA}: a model's predictions (class and logits) on a data set, as the CSV that
 * {@code compare} reads and {@code old_model.source: logits} accepts.
 *
 * <p>MODEL is a model directory pct exported (it normalizes its input itself and names its input shape), any
 * DJL model directory, a TorchScript {@code .pt} or an ONNX {@code .onnx} file (these take the mean and standard
 * deviation they were trained with). DATA is a job file (its data section and splits), a folder of IDX files,
 * or an image folder with one sub-folder per class.
 */
public final class Predict {

    private Predict() {}

    /**
     * What a prediction run wrote.
     *
     * @param out the CSV file
     * @param samples the number of samples
     * @param classes the model's outputs per sample
     * @param accuracy the share predicted right, or NaN without labels
     */
    public record Summary(Path out, int samples, int classes, double accuracy) {}

    /**
     * The input a model file takes when it does not say.
     *
     * @param mean per-channel mean, or null for none
     * @param std per-channel standard deviation, or null
     * @param height the input height, or 0 for the data's
     * @param width the input width, or 0 for the data's
     * @param channels the input channels, or 0 for the data's
     * @param order the channel order
     * @param resize how images of another size reach the input size, or null for the way the model trained (an
     *     exported model's metadata says; stretched otherwise)
     * @param cropFraction for {@link ResizeMode#CENTER_CROP}, the share of the resized image kept
     */
    public record InputOptions(float[] mean, float[] std, int height, int width, int channels, ChannelOrder order,
            ResizeMode resize, double cropFraction) {}

    /**
     * Writes a model's predictions on a data set.
     *
     * @param model the model directory or file
     * @param data the job file or data folder
     * @param split {@code train}, {@code validation} or {@code test} (a job file's splits; a data folder has
     *     train and test, an image folder only its images)
     * @param out the CSV to write
     * @param options the input a model file takes
     * @param device the device name ({@code auto}, {@code cpu}, {@code gpu:N})
     * @return what was written
     * @throws IOException if a file cannot be read or written
     */
    public static Summary run(Path model, Path data, String split, Path out, InputOptions options, String device)
            throws IOException {
        return run(model, data, split, out, options, device, false);
    }

    /**
     * Writes a model's predictions on a data set, optionally trusting code in its model directory (see {@link
     * dev.pct.train.update.ModelCode}).
     *
     * @param model the model directory or file
     * @param data the job file or data folder
     * @param split {@code train}, {@code validation} or {@code test}
     * @param out the CSV to write
     * @param options the input a model file takes
     * @param device the device name ({@code auto}, {@code cpu}, {@code gpu:N})
     * @param trustCode whether a model directory that holds code may be loaded ({@code --trust-model-code})
     * @return what was written
     * @throws IOException if a file cannot be read or written
     */
    public static Summary run(Path model, Path data, String split, Path out, InputOptions options, String device,
            boolean trustCode) throws IOException {
        Device dev = Devices.resolve(device);
        OldModelFiles.Kind kind = kind(model);
        ModelShape shape = modelShape(model, kind);
        SampleSource samples = read(data, split, shape, options);
        Shape fixed = samples.fixedShape();
        int channels = shape != null ? (int) shape.input.get(0) : options.channels() > 0 ? options.channels()
                : samples.channels();
        if (fixed == null && shape == null && (options.height() == 0 || options.width() == 0)) {
            throw new IllegalArgumentException("DATA " + data + ": images of an image folder differ in size; give the"
                    + " model's input size with --size H,W");
        }
        int height = shape != null ? (int) shape.input.get(1) : options.height() > 0 ? options.height()
                : (int) fixed.get(1);
        int width = shape != null ? (int) shape.input.get(2) : options.width() > 0 ? options.width()
                : (int) fixed.get(2);
        Normalizer normalizer = options.mean() == null ? Normalizer.identity(channels)
                : new Normalizer(options.mean(), options.std());
        ResizeMode resize = options.resize() != null ? options.resize()
                : shape != null ? shape.resize() : ResizeMode.STRETCH;
        double cropFraction = options.resize() != null ? options.cropFraction()
                : shape != null ? shape.cropFraction() : 1.0;
        ModelInput input = new ModelInput(channels, height, width, options.order(), resize, cropFraction, normalizer);
        ImageBatches batches = new ImageBatches(BatchMaker.builder().setData(samples).optInput(input).build());
        try (OldModel loaded = OldModelFiles.load(kind, model, null, dev, trustCode, "MODEL " + model);
                NDManager manager = NDManager.newBaseManager(dev)) {
            int classes;
            try (NDManager probe = manager.newSubManager()) {
                // Two samples where there are: libtorch sends a one-sample convolution past oneDNN to NNPACK, whose
                // start-up prints "Unsupported hardware" on CPUs it does not support (a warning about nothing used).
                int[] first = samples.size() > 1 ? new int[] {0, 1} : new int[] {0};
                classes = (int) loaded.logits(probe, batches.images(probe, first, null)).getShape().get(1);
            }
            CountedBatches counted = new CountedBatches(batches, classes);
            float[] logits;
            try (Prefetcher workers = new Prefetcher(Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 4)) {
                logits = Inference.logits(loaded::logits, counted, 256, manager, workers);
            }
            int[] labels = samples.labels();
            PredictionFiles.writePredictions(out, samples.sourceIndices(), labels, logits, classes);
            int[] predicted = FlipAccumulator.argmax(logits, classes);
            int right = 0;
            for (int i = 0; i < labels.length; i++) {
                right += predicted[i] == labels[i] ? 1 : 0;
            }
            return new Summary(out, labels.length, classes, labels.length == 0 ? Double.NaN : (double) right / labels.length);
        }
    }

    /** The input shape, how images of another size reach it, and the classes an exported model's metadata states. */
    private record ModelShape(Shape input, ResizeMode resize, double cropFraction, int classes) {}

    private static ModelShape modelShape(Path model, OldModelFiles.Kind kind) throws IOException {
        Path metadata = model.resolve(ModelExport.METADATA);
        if (kind != OldModelFiles.Kind.DJL || !Files.isRegularFile(metadata)) {
            return null;
        }
        JsonNode json = new ObjectMapper().readTree(metadata.toFile());
        JsonNode shape = json.path("input").path("shape");
        if (!shape.isArray() || shape.size() != 3) {
            throw new IOException(metadata + ": input.shape should be [C, H, W], got " + shape);
        }
        // An export from before input.resize does not say; predict stretched its images then, and still does.
        String resize = json.path("input").path("resize").asText("stretch");
        ResizeMode mode;
        try {
            mode = Spelling.parse(ResizeMode.class, resize);
        } catch (IllegalArgumentException e) {
            throw new IOException(metadata + ": input.resize: " + e.getMessage(), e);
        }
        double cropFraction = json.path("input").path("crop_fraction").asDouble(1.0);
        if (!(cropFraction > 0 && cropFraction <= 1)) {
            throw new IOException(metadata + ": input.crop_fraction should be in (0, 1], got " + cropFraction);
        }
        return new ModelShape(new Shape(shape.get(0).asLong(), shape.get(1).asLong(), shape.get(2).asLong()),
                mode, cropFraction, json.path("classes").asInt());
    }

    private static OldModelFiles.Kind kind(Path model) {
        String name = model.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(model)) {
            return OldModelFiles.Kind.DJL;
        }
        if (name.endsWith(".onnx")) {
            return OldModelFiles.Kind.ONNX;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript")) {
            return OldModelFiles.Kind.TORCHSCRIPT;
        }
        throw new IllegalArgumentException("MODEL " + model + ": expected a model directory, a TorchScript .pt or an"
                + " ONNX .onnx file");
    }

    private static SampleSource read(Path data, String split, ModelShape shape, InputOptions options) {
        String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            JobConfig config = JobConfigLoader.load(data);
            JobData job = JobData.load(config.data(), config.seeds().get(0), null);
            return switch (split) {
                case "train" -> job.trainSet();
                case "validation" -> job.validationSet();
                case "test" -> job.testSet();
                default -> throw new IllegalArgumentException("--split " + split + ": expected train, validation or test");
            };
        }
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("DATA " + data + ": expected a job file (.yaml), a folder of IDX files"
                    + " or an image folder");
        }
        if (Files.exists(data.resolve("t10k-images-idx3-ubyte")) || Files.exists(data.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.exists(data.resolve("train-images-idx3-ubyte"))
                || Files.exists(data.resolve("train-images-idx3-ubyte.gz"))) {
            if (split.equals("validation")) {
                throw new IllegalArgumentException("--split validation: a data folder has train and test; give the job"
                        + " file for its validation split");
            }
            return IdxReader.readDirectory(data, split.equals("train"), 0);
        }
        int channels = shape != null ? (int) shape.input.get(0) : options.channels() > 0 ? options.channels() : 3;
        return ImageFolderSource.open(data, channels);
    }

    /** Batches whose class count is the model's outputs, for the logits pass. */
    private record CountedBatches(ImageBatches batches, int classes) implements dev.pct.train.data.BatchSource {
        @Override
        public int size() {
            return batches.size();
        }

        @Override
        public int[] labels() {
            return batches.labels();
        }

        @Override
        public int numClasses() {
            return classes;
        }

        @Override
        public Shape sampleShape() {
            return batches.sampleShape();
        }

        @Override
        public ai.djl.ndarray.NDArray images(NDManager manager, int[] indices, java.util.Random augment) {
            return batches.images(manager, indices, augment);
        }

        @Override
        public dev.pct.train.data.HostBatch prepare(int[] indices, java.util.Random augment) {
            return batches.prepare(indices, augment);
        }

        @Override
        public boolean augments() {
            return false;
        }
    }
}
