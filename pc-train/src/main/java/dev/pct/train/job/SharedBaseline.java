package dev.pct.train.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pct.train.config.JobConfig;
import dev.pct.train.config.JobConfigLoader;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.report.ModelRoles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code baseline_from: RUN}: a job takes the plain retrain of another finished run of the same update (the jobs
 * of a sweep split over several GPUs train it once) instead of training its own. The other run's saved
 * configuration must equal this job's in everything the plain retrain depends on: the data, the old model (it
 * is selected and reported against it), the new model, the training and the selection; the loss, the sweep,
 * the device and the run's name may differ. Each seed's finished {@code seed-N/baseline} folder is copied into
 * this run (its final files: parameters, epochs, selection, test logits, the exported model; not its
 * checkpoints), so that the run stays
 * whole without the other one and resumes, reports and merges as if it had trained it; then the job finds it
 * done and trains only the rest.
 */
final class SharedBaseline {

    private static final Logger LOG = LoggerFactory.getLogger(SharedBaseline.class);
    /** The sections of a job file the plain retrain depends on. */
    private static final List<String> SECTIONS = List.of("data", "old_model", "new_model", "training", "selection");
    /** Keys within those sections that do not change the plain retrain. */
    private static final List<String> IGNORED = List.of("old_model.cache", "old_model.trust_code", "data.workers",
            "data.prefetch");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private SharedBaseline() {}

    /**
     * Copies the other run's plain retrain of each seed into the run directory, unless the run has its own.
     *
     * @param config this job's configuration, with {@code baseline_from} set
     * @param runDir this job's run directory
     * @throws IllegalArgumentException naming the key when the other run is not a run of the same update, or has
     *     not finished the plain retrain of a seed
     * @throws IOException when a file cannot be read or copied
     */
    static void adopt(JobConfig config, Path runDir) throws IOException {
        Path from = config.baselineFrom();
        Path saved = from.resolve("config.yaml");
        if (!Files.isRegularFile(saved)) {
            throw new IllegalArgumentException("baseline_from: " + from + " is not a run directory (no config.yaml)");
        }
        JsonNode theirs = YAML.readTree(JobConfigLoader.load(saved, List.of()).toYaml());
        JsonNode ours = YAML.readTree(config.toYaml());
        for (String section : SECTIONS) {
            String differs = difference(section, ours.get(section), theirs.get(section));
            if (differs != null) {
                throw new IllegalArgumentException("baseline_from: " + from + " trained its plain retrain with other "
                        + differs + "; a plain retrain is shared only between jobs of one update");
            }
        }
        for (int seed : config.seeds()) {
            Path mine = runDir.resolve("seed-" + seed).resolve(ModelRoles.BASELINE);
            if (Files.exists(mine)) {
                continue;
            }
            Path theirsDir = from.resolve("seed-" + seed).resolve(ModelRoles.BASELINE);
            if (!Files.isRegularFile(theirsDir.resolve("done"))) {
                throw new IllegalArgumentException("baseline_from: " + from + " has no finished plain retrain of seed "
                        + seed + " (" + theirsDir + "/done is missing): run it there first, or leave the key out");
            }
            Path partial = mine.resolveSibling(ModelRoles.BASELINE + ".copying");
            AtomicFiles.deleteTree(partial);
            copyTree(theirsDir, partial);
            Files.move(partial, mine, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Plain retrain of seed {}: taken from {} (baseline_from), not trained here", seed, theirsDir);
        }
    }

    /** The first key path where two sections differ, as "KEY (A here, B there)", or null when equal. */
    private static String difference(String path, JsonNode ours, JsonNode theirs) {
        if (IGNORED.contains(path)) {
            return null;
        }
        if (ours instanceof ObjectNode o && theirs instanceof ObjectNode t) {
            for (String key : union(o, t)) {
                String d = difference(path + "." + key, o.get(key), t.get(key));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        return java.util.Objects.equals(ours, theirs) ? null
                : path + " (" + shown(ours) + " here, " + shown(theirs) + " there)";
    }

    private static List<String> union(ObjectNode a, ObjectNode b) {
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
        a.fieldNames().forEachRemaining(keys::add);
        b.fieldNames().forEachRemaining(keys::add);
        return List.copyOf(keys);
    }

    private static String shown(JsonNode node) {
        return node == null ? "none" : node.toString();
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (source.relativize(p).startsWith("checkpoints")) {
                    continue; // a finished stage is read from its final files, never resumed
                }
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
