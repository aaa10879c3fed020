package dev.pct.train.testing;

import dev.pct.train.data.ChannelOrder;
import dev.pct.train.data.ImageSet;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.Normalizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** The committed model fixtures (made by {@code src/test/resources/models/make_fixtures.py}). */
public final class Fixtures {

    private Fixtures() {}

    /**
     * Returns the folder of the model fixtures and the tiny IDX data set ({@code tiny/}).
     *
     * @return the folder
     */
    public static Path models() {
        try {
            return Path.of(Fixtures.class.getResource("/models/tiny-old-mlp.pt").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@link #tinyJob} with the TorchScript old MLP fixture (its preprocessing as exported) and a small
     * batch-norm CNN as the new model.
     *
     * @param folder where the file goes (a new name each call)
     * @return the job file
     * @throws IOException if it cannot be written
     */
    public static Path tinyTorchScriptJob(Path folder) throws IOException {
        return tinyJob(folder, "{source: torchscript, file: " + models().resolve("tiny-old-mlp.pt")
                + ", preprocessing: {mean: [0.5], std: [0.25]}}",
                "{architecture: {type: cnn, channels: [8], hidden: [16], batch_norm: true}}");
    }

    /**
     * Writes a job file on the tiny IDX data set the model fixtures were trained on: two epochs of KL at tau 1
     * with alpha 0, on the CPU.
     *
     * @param folder where the file goes (a new name each call)
     * @param oldModel the old_model section, as YAML flow
     * @param newModel the new_model section, as YAML flow
     * @return the job file
     * @throws IOException if it cannot be written
     */
    public static Path tinyJob(Path folder, String oldModel, String newModel) throws IOException {
        Path file = folder.resolve("job-" + System.nanoTime() + ".yaml");
        Files.writeString(file, """
                name: tiny
                seeds: [1]
                device: cpu
                data: {source: idx, path: %s, validation_fraction: 0.1}
                old_model: %s
                new_model: %s
                loss: {treatment: fd-kl, alpha: 0.0, beta: 1.0, tau: 1.0}
                training:
                  epochs: 2
                  batch_size: 64
                  learning_rate: 0.05
                  schedule: {type: constant, warmup_epochs: 0}
                  log_every_steps: 0
                """.formatted(models().resolve("tiny"), oldModel, newModel));
        return file;
    }

    /**
     * Writes each sample of a data set enlarged (bilinear, so it stays smooth) to its own size, between {@code
     * minSide} and {@code minSide + 64} pixels high, alternately PNG and JPEG, in a folder per class.
     *
     * @param set the samples
     * @param dir the folder (its class folders are created)
     * @param minSide the smallest height
     * @return the bytes the images take decoded as float32 RGB
     * @throws IOException if a file cannot be written
     */
    public static long imageFolder(ImageSet set, Path dir, int minSide) throws IOException {
        long bytes = 0;
        for (int i = 0; i < set.size(); i++) {
            int h = minSide + (i * 37) % 65;
            int w = h + (i % 3) * 24;
            ModelInput enlarge = new ModelInput(1, h, w, ChannelOrder.RGB, Normalizer.identity(1));
            float[] gray = new float[h * w];
            enlarge.apply(set.read(i), gray, 0);
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = Math.round(Math.min(1f, Math.max(0f, gray[y * w + x])) * 255f);
                    image.setRGB(x, y, v << 16 | v << 8 | v);
                }
            }
            Path classDir = Files.createDirectories(dir.resolve("class-" + set.label(i)));
            boolean png = i % 2 == 0;
            ImageIO.write(image, png ? "png" : "jpg", classDir.resolve(String.format("%04d.%s", i, png ? "png" : "jpg"))
                    .toFile());
            bytes += 3L * h * w * Float.BYTES;
        }
        return bytes;
    }

    /**
     * Writes a job file on an image folder ({@link #imageFolder}) with the committed TorchScript old model (8x8
     * grayscale input of its own normalization) and a new MLP on 16x16 RGB: two epochs of KL at tau 1, alpha 0.
     *
     * @param folder where the file goes (a new name each call)
     * @param data the image folder, with train/ and test/
     * @param extra more top-level YAML, or ""
     * @return the job file
     * @throws IOException if it cannot be written
     */
    public static Path imageFolderJob(Path folder, Path data, String extra) throws IOException {
        Path file = folder.resolve("job-" + System.nanoTime() + ".yaml");
        Files.writeString(file, """
                name: folder
                seeds: [1]
                device: cpu
                data:
                  source: image-folder
                  path: %s
                  image_size: [16, 16]
                  channels: 3
                  resize: center_crop
                  crop_fraction: 0.875
                  validation_fraction: 0.1
                  workers: 2
                  prefetch: 3
                old_model:
                  source: torchscript
                  file: %s
                  preprocessing: {image_size: [8, 8], channels: 1, mean: [0.5], std: [0.25]}
                new_model: {architecture: {type: mlp, hidden: [32]}}
                loss: {treatment: fd-kl, alpha: 0.0, beta: 1.0, tau: 1.0}
                training:
                  epochs: 2
                  batch_size: 64
                  learning_rate: 0.05
                  schedule: {type: constant, warmup_epochs: 0}
                  log_every_steps: 0
                %s
                """.formatted(data, models().resolve("tiny-old-mlp.pt"), extra));
        return file;
    }
}
