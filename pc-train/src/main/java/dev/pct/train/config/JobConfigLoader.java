package dev.pct.train.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML job file into a validated {@link JobConfig}.
 *
 * <p>The steps: parse the YAML (keeping each node's line and column), apply {@code --set key.path=value}
 * overrides to the tree, fill defaults, check keys and types against the config records, bind with Jackson,
 * check ranges and consistency. Every problem of a stage is reported together in one
 * {@link ConfigException} (structural problems first: range checks need a tree that binds); nothing is
 * returned from a bad file.
 *
 * <p>Hostile or mistaken input fails the same way, with file and line: a duplicate key, a YAML alias (Jackson
 * would read {@code *name} as the text {@code name}), a file over {@link ConfigMappers#MAX_JOB_FILE_SIZE}
 * bytes. Type tags ({@code !!some.Class}) are ignored: Jackson's YAML reader never instantiates classes.
 *
 * <p>Relative paths ({@code data.path}, {@code old_model.checkpoint}, {@code old_model.logits.*}) written in
 * the file resolve against the file's folder; those given with {@code --set} against the working directory.
 */
public final class JobConfigLoader {

    private JobConfigLoader() {}

    /**
     * Loads a job file without overrides.
     *
     * @param yaml the job file
     * @return the effective, validated configuration
     * @throws ConfigException if the file cannot be read or any value is invalid
     */
    public static JobConfig load(Path yaml) {
        return load(yaml, List.of());
    }

    /**
     * Loads a job file and applies overrides.
     *
     * @param yaml the job file
     * @param overrides {@code key.path=value} strings applied in order, e.g. {@code training.epochs=2},
     *     {@code seeds=[1,2]}, {@code data.augment.horizontal_flip=true}; the value is read as YAML (a scalar,
     *     {@code [flow, list]} or {@code {flow: map}}; empty means null). A whole list is replaced, not indexed
     * @return the effective, validated configuration
     * @throws ConfigException if the file cannot be read, an override names an unknown key, or any value is
     *     invalid
     */
    public static JobConfig load(Path yaml, List<String> overrides) {
        Path file = yaml.toAbsolutePath().normalize();
        String text;
        try {
            long size = Files.size(file);
            if (size > ConfigMappers.MAX_JOB_FILE_SIZE) {
                throw single(file, "", "the file has " + size + " bytes, expected a job file of at most "
                        + ConfigMappers.MAX_JOB_FILE_SIZE + " (job files are a few KB): is it the right file?", null);
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw single(file, "", "job file not found", e);
        } catch (IOException e) {
            throw single(file, "", "cannot read job file: " + e.getMessage(), e);
        }
        JsonNode parsed;
        Map<String, Origin> origins;
        try {
            rejectTags(file, text);
            parsed = ConfigMappers.YAML.readTree(text);
            origins = YamlLocations.of(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            boolean alias = e instanceof YamlLocations.AliasException;
            List<ConfigProblem> problems = List.of(new ConfigProblem(file, at == null ? 0 : at.getLineNr(),
                    at == null ? 0 : at.getColumnNr(), null, alias ? ((YamlLocations.AliasException) e).keyPath : "",
                    (alias ? "" : "not valid YAML: ") + e.getOriginalMessage()));
            throw new ConfigException(problems, e);
        } catch (IOException e) {
            throw single(file, "", "cannot read job file: " + e.getMessage(), e);
        }
        Problems problems = new Problems(file, origins);
        if (parsed == null || parsed.isMissingNode() || parsed.isNull()) {
            throw single(file, "", "the job file is empty, expected a mapping with at least name, data and "
                    + "new_model", null);
        }
        if (!parsed.isObject()) {
            problems.invalid("", parsed, "a mapping of job keys (name, data, old_model, ...)");
            problems.throwIfAny();
        }
        ObjectNode root = (ObjectNode) parsed;
        if (root.has("seed") && root.has("seeds")) {
            problems.add("seed", "give either seed (one seed) or seeds (a list), not both");
        }
        for (String override : overrides) {
            applyOverride(root, override, problems);
        }
        resolvePaths(root, file.getParent(), problems);
        seedShorthand(root, problems);
        inheritOldModelTraining(root, origins);
        JobConfigSchema.fillDefaults(root, JobConfig.class, JobConfigSchema.template(JobConfig.class));
        JobConfigSchema.check(root, JobConfig.class, "", problems);
        problems.throwIfAny();

        JobConfig config;
        try {
            config = ConfigMappers.YAML.treeToValue(root, JobConfig.class);
        } catch (JsonProcessingException e) {
            // The schema check should have caught this; report it with the key path Jackson gives.
            problems.add(pathOf(e), "cannot bind: " + e.getOriginalMessage());
            throw problems.exception(e);
        }
        new JobConfigValidator(problems).validate(config);
        problems.throwIfAny();
        return config;
    }

    private static void applyOverride(ObjectNode root, String override, Problems problems) {
        Origin origin = Origin.fromSet(override);
        int equals = override.indexOf('=');
        if (equals <= 0) {
            problems.add(override.trim(), origin, "expected key.path=value, e.g. training.epochs=2");
            return;
        }
        String keyPath = override.substring(0, equals).trim();
        JsonNode value;
        try {
            String text = override.substring(equals + 1);
            value = ConfigMappers.YAML.readTree(text);
            YamlLocations.of(text); // refuses an alias, which would be read as plain text
        } catch (YamlLocations.AliasException e) {
            problems.add(keyPath, origin, e.getOriginalMessage());
            return;
        } catch (JsonProcessingException e) {
            problems.add(keyPath, origin, "the value is not valid YAML: " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            problems.add(keyPath, origin, "the value cannot be read: " + e.getMessage());
            return;
        }
        if (value == null || value.isMissingNode()) {
            value = NullNode.getInstance();
        }
        String[] keys = keyPath.split("\\.", -1);
        ObjectNode node = root;
        Class<?> section = JobConfig.class;
        String path = "";
        for (int i = 0; i < keys.length; i++) {
            String key = keys[i];
            String at = JobConfigSchema.join(path, key);
            boolean seedAlias = section == JobConfig.class && key.equals("seed");
            RecordComponent component = JobConfigSchema.component(section, key);
            if (component == null && !seedAlias) {
                List<String> valid = new ArrayList<>(JobConfigSchema.keys(section));
                if (section == JobConfig.class) {
                    valid.add(1, "seed");
                }
                problems.unknownKey(at, origin, valid);
                return;
            }
            if (i == keys.length - 1) {
                node.set(key, value);
                problems.origins().keySet().removeIf(p -> p.equals(at) || p.startsWith(at + ".")
                        || p.startsWith(at + "["));
                problems.origins().put(at, origin);
                if (section == JobConfig.class && (key.equals("seed") || key.equals("seeds"))) {
                    node.remove(key.equals("seed") ? "seeds" : "seed"); // the later choice wins
                }
                return;
            }
            if (seedAlias || !component.getType().isRecord()) {
                problems.add(at, origin, "is a value, not a section, so " + keyPath + " cannot be set");
                return;
            }
            JsonNode child = node.get(key);
            if (child == null || !child.isObject()) {
                child = node.putObject(key);
            }
            node = (ObjectNode) child;
            section = component.getType();
            path = at;
        }
    }

    private static void resolvePaths(ObjectNode root, Path baseDir, Problems problems) {
        Path home = Path.of(System.getProperty("user.home"));
        for (String keyPath : JobConfigSchema.RESOLVED_PATHS) {
            String[] keys = keyPath.split("\\.");
            JsonNode parent = root;
            for (int i = 0; i < keys.length - 1 && parent != null; i++) {
                parent = parent.get(keys[i]);
            }
            if (parent == null || !parent.isObject()) {
                continue;
            }
            JsonNode value = parent.get(keys[keys.length - 1]);
            if (value == null || !value.isTextual() || value.textValue().isBlank()) {
                continue; // absent, or a type error the schema check reports
            }
            String raw = value.textValue();
            Path path = raw.equals("~") ? home : raw.startsWith("~/") ? home.resolve(raw.substring(2)) : Path.of(raw);
            Origin origin = problems.originOf(keyPath);
            Path base = origin != null && origin.fromSet() ? Path.of("").toAbsolutePath() : baseDir;
            ((ObjectNode) parent).set(keys[keys.length - 1],
                    TextNode.valueOf(base.resolve(path).normalize().toString()));
        }
    }

    /** Rewrites {@code seed: N} as {@code seeds: [N]}, keeping the origin for messages. */
    private static void seedShorthand(ObjectNode root, Problems problems) {
        JsonNode seed = root.remove("seed");
        if (seed == null || root.has("seeds")) {
            return; // both given: already reported
        }
        if (!(seed.isIntegralNumber() && seed.canConvertToInt())) {
            problems.invalid("seed", seed, "an integer >= 0");
            return;
        }
        root.set("seeds", JsonNodeFactory.instance.arrayNode().add(seed));
        Origin origin = problems.originOf("seed");
        if (origin != null) {
            problems.origins().put("seeds", origin);
            problems.origins().put("seeds[0]", origin);
        }
    }

    /** Gives {@code old_model.training} the top-level training values it does not set itself. */
    private static void inheritOldModelTraining(ObjectNode root, Map<String, Origin> origins) {
        JsonNode oldModel = root.get("old_model");
        JsonNode training = root.get("training");
        if (oldModel == null || !oldModel.isObject() || !(oldModel.get("training") instanceof ObjectNode own)) {
            return;
        }
        if (training instanceof ObjectNode shared) {
            ObjectNode merged = shared.deepCopy();
            deepMerge(merged, own);
            ((ObjectNode) oldModel).set("training", merged);
            Map<String, Origin> inherited = new HashMap<>();
            origins.forEach((path, origin) -> {
                if (path.startsWith("training.")) {
                    inherited.put("old_model." + path, origin);
                }
            });
            inherited.forEach(origins::putIfAbsent);
        }
    }

    private static void deepMerge(ObjectNode target, ObjectNode source) {
        source.fields().forEachRemaining(entry -> {
            JsonNode existing = target.get(entry.getKey());
            if (existing instanceof ObjectNode into && entry.getValue() instanceof ObjectNode from) {
                deepMerge(into, from);
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        });
    }

    private static String pathOf(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** The YAML core schema's tags: they name value types, not classes. */
    private static final java.util.Set<String> CORE_TAGS = java.util.Set.of("str", "int", "float", "bool", "null",
            "seq", "map").stream().map(t -> "tag:yaml.org,2002:" + t).collect(java.util.stream.Collectors.toSet());

    /**
     * Refuses type tags other than the core schema's ({@code !!str}, {@code !!int}, ...): in YAML loaders that
     * build objects from tags ({@code !!javax.script.ScriptEngineManager [...]}) a tag instantiates a class.
     * Jackson ignores tags, so none would run here either; refusing them says so instead of silently reading the
     * tagged value as plain data.
     */
    private static void rejectTags(Path file, String text) throws IOException {
        List<ConfigProblem> found = new ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser parser = ConfigMappers.YAML.getFactory().createParser(text)) {
            com.fasterxml.jackson.core.JsonToken token;
            while ((token = parser.nextToken()) != null) {
                Object typeId = token == com.fasterxml.jackson.core.JsonToken.FIELD_NAME ? null : parser.getTypeId();
                String tag = typeId == null ? null : typeId.toString();
                if (tag != null && !CORE_TAGS.contains(tag)) {
                    JsonLocation at = parser.currentTokenLocation();
                    found.add(new ConfigProblem(file, at.getLineNr(), at.getColumnNr(), null, "", "YAML tag '" + tag
                            + "' is not accepted: a job file holds plain values (pct never builds objects from tags)"));
                }
            }
        }
        if (!found.isEmpty()) {
            throw new ConfigException(found, null);
        }
    }

    private static ConfigException single(Path file, String keyPath, String detail, Throwable cause) {
        return new ConfigException(List.of(new ConfigProblem(file, 0, 0, null, keyPath, detail)), cause);
    }
}
