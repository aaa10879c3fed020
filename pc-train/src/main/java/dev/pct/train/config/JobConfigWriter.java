package dev.pct.train.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link JobConfig} as YAML: the effective configuration (after overrides and defaults) kept in the
 * run folder, so that a run can be repeated exactly with {@link JobConfigLoader#load(Path)}.
 */
public final class JobConfigWriter {

    private static final String HEADER =
            "# Effective pct job configuration: every value, after defaults and --set overrides.\n";

    private JobConfigWriter() {}

    /**
     * Returns the configuration as YAML; every key is written, paths are absolute.
     *
     * @param config the configuration
     * @return YAML text that loads back to an equal config
     */
    public static String toYaml(JobConfig config) {
        try {
            return HEADER + ConfigMappers.YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job config " + config.name() + " as YAML", e);
        }
    }

    /**
     * Writes the configuration as YAML to {@code file}, replacing it.
     *
     * @param config the configuration
     * @param file the file to write, e.g. {@code <run>/config.yaml}
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void write(JobConfig config, Path file) {
        try {
            Files.writeString(file, toYaml(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job config to " + file, e);
        }
    }
}
