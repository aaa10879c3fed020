package dev.pct.train.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads job files written by a test: the config, or the message of the error that refuses it. */
final class JobFiles {
    private JobFiles() {}

    /** Writes {@code yaml} to {@code dir/job.yaml} and loads it with the overrides. */
    static JobConfig load(Path dir, String yaml, String... overrides) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return JobConfigLoader.load(file, List.of(overrides));
    }

    /** Writes {@code yaml} to {@code dir/job.yaml} and returns the message of the error loading it raises. */
    static String failure(Path dir, String yaml, String... overrides) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> JobConfigLoader.load(file, List.of(overrides)))
                .getMessage();
    }
}
