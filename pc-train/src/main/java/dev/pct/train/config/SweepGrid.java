package dev.pct.train.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a trade-off sweep: every combination of the {@code sweep} axes' values applied to the job's
 * {@code loss} section, named after the values (e.g. {@code pc-tau10-beta5}).
 */
public final class SweepGrid {
    private static final String PREFIX = "loss.";

    private SweepGrid() {}

    /**
     * Returns the sweep's PC settings by name, in grid order (the last axis varies fastest); empty when the job
     * has no sweep.
     *
     * @param config a validated job
     * @return the loss of every setting
     */
    public static Map<String, LossConfig> settings(JobConfig config) {
        Map<String, LossConfig> settings = new LinkedHashMap<>();
        if (config.sweep().isEmpty()) {
            return settings;
        }
        List<SweepAxis> axes = config.sweep();
        int[] at = new int[axes.size()];
        while (true) {
            ObjectNode node = ConfigMappers.YAML.valueToTree(config.loss());
            StringBuilder name = new StringBuilder("pc");
            for (int a = 0; a < axes.size(); a++) {
                String key = axes.get(a).key().substring(PREFIX.length());
                String value = axes.get(a).values().get(at[a]);
                node.set(key, scalar(value));
                // pc-tau10-beta5; a treatment or a reference names itself: pc-fd-lm-tau1, pc-fd-kl-ensemble.
                name.append('-').append(key.equals("treatment") || key.equals("reference") ? ""
                                : key.replace("_", ""))
                        .append(value.replaceAll("[^A-Za-z0-9.-]", "_"));
            }
            settings.put(name.toString(), bind(node));
            int a = axes.size() - 1;
            while (a >= 0 && ++at[a] == axes.get(a).values().size()) {
                at[a] = 0;
                a--;
            }
            if (a < 0) {
                return settings;
            }
        }
    }

    /** Checks the axes: known {@code loss} keys, each once, values that make a valid loss one by one. */
    static void validate(JobConfig config, Problems problems) {
        Set<String> seen = new HashSet<>();
        List<String> keys = JobConfigSchema.keys(LossConfig.class);
        for (int i = 0; i < config.sweep().size(); i++) {
            SweepAxis axis = config.sweep().get(i);
            String path = "sweep[" + i + "]";
            String key = axis.key().startsWith(PREFIX) ? axis.key().substring(PREFIX.length()) : null;
            if (key == null || !keys.contains(key)) {
                problems.invalid(path + ".key", axis.key(), "a key of the loss section: loss." + String.join(
                        ", loss.", keys));
                continue;
            }
            if (!seen.add(key)) {
                problems.invalid(path + ".key", axis.key(), "each key once in the sweep");
            }
            if (axis.values().isEmpty()) {
                problems.invalid(path + ".values", axis.values(), "at least one value");
            }
            for (int j = 0; j < axis.values().size(); j++) {
                String value = axis.values().get(j);
                ObjectNode node = ConfigMappers.YAML.valueToTree(config.loss());
                node.set(key, scalar(value));
                Problems one = new Problems(Path.of("sweep"), Map.of());
                JobConfigSchema.check(node, LossConfig.class, "loss", one);
                if (one.isEmpty()) {
                    LossConfig loss = bind(node);
                    new JobConfigValidator(one).validateLoss(loss, config.data());
                    if (loss.treatment() == Treatment.NONE || !(loss.lambda() > 0)) {
                        one.add(axis.key(), "a PC setting needs lambda > 0 and a treatment other than none (the"
                                + " plain retrain is trained anyway)");
                    }
                }
                for (ConfigProblem p : one.exception(null).problems()) {
                    problems.add(path + ".values[" + j + "]", "value " + value + " for " + axis.key() + ": "
                            + p.detail());
                }
            }
        }
    }

    private static JsonNode scalar(String value) {
        try {
            JsonNode node = ConfigMappers.YAML.readTree(value);
            return node == null || !node.isValueNode() ? TextNode.valueOf(value) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(value);
        }
    }

    private static LossConfig bind(ObjectNode node) {
        try {
            return ConfigMappers.YAML.treeToValue(node, LossConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checked loss section does not bind: " + e.getOriginalMessage(), e);
        }
    }
}
