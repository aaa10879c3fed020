package dev.pct.train.testing;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
