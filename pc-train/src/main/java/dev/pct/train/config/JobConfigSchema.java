package dev.pct.train.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.io.Spelling;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.optim.OptimizerSettings;
import dev.pct.train.optim.ScheduleSettings;
import dev.pct.train.selection.SelectionSettings;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The job-file schema, read from the config records themselves: key names, types, defaults and which values
 * may be null. Fills defaults into a YAML tree and checks it against the records before Jackson binds it,
 * so that every unknown key, wrong type and missing value is reported, not just the first.
 */
final class JobConfigSchema {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Defaults per section; required values in them are null. */
    private static final Map<Class<?>, Supplier<Object>> TEMPLATES = Map.ofEntries(
            Map.entry(JobConfig.class, JobConfig::template),
            Map.entry(DataConfig.class, DataConfig::template),
            Map.entry(AugmentConfig.class, AugmentConfig::defaults),
            Map.entry(SyntheticConfig.class, SyntheticConfig::defaults),
            Map.entry(OldModelConfig.class, OldModelConfig::template),
            // A job file must name the type, and the depth of a resnet (0 there: ModelSpec's problems() asks for it).
            Map.entry(ModelSpec.class, () -> new ModelSpec(null, ModelSpec.DEFAULT_HIDDEN, ModelSpec.DEFAULT_CHANNELS,
                    false, 0, 0)),
            Map.entry(LogitsConfig.class, LogitsConfig::template),
            Map.entry(PreprocessingConfig.class, PreprocessingConfig::defaults),
            Map.entry(NewModelConfig.class, NewModelConfig::template),
            Map.entry(LossConfig.class, LossConfig::defaults),
            Map.entry(TrainingSettings.class, TrainingSettings::defaults),
            Map.entry(OptimizerSettings.class, OptimizerSettings::defaults),
            Map.entry(ScheduleSettings.class, ScheduleSettings::defaults),
            Map.entry(SelectionSettings.class, SelectionSettings::defaults),
            Map.entry(InterpolationSettings.class, InterpolationSettings::defaults));

    /** Values that may stay null; whether they are needed depends on other values (checked after binding). */
    private static final Set<String> NULLABLE = Set.of(
            "data.path", "old_model.architecture", "old_model.checkpoint", "old_model.file", "old_model.logits.train",
            "old_model.logits.test", "old_model.training", "old_model.cache", "old_model.seed", "new_model.architecture",
            "new_model.file", "baseline_from");


    /** Paths whose relative values are resolved against the job file's folder. */
    static final List<String> RESOLVED_PATHS =
            List.of("data.path", "old_model.checkpoint", "old_model.file", "old_model.logits.train",
                    "old_model.logits.test", "old_model.cache", "new_model.file", "baseline_from");

    /** YAML 1.1 wants a dot in a float ({@code 1e-8} is text to it); users write it anyway. */
    private static final Pattern NUMBER_TEXT =
            Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private JobConfigSchema() {}

    // ---- key paths ----

    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    static String lastKey(String path) {
        int cut = path.lastIndexOf('.');
        return cut < 0 ? path : path.substring(cut + 1);
    }

    // ---- records ----

    static String key(RecordComponent component) {
        return key(component.getName());
    }

    /** A Java name's key in the job file, as the YAML mapper spells it ({@code topK} is {@code top_k}). */
    static String key(String name) {
        return SNAKE.translate(name);
    }

    static List<String> keys(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(JobConfigSchema::key).toList();
    }

    static RecordComponent component(Class<?> record, String key) {
        for (RecordComponent component : record.getRecordComponents()) {
            if (key(component).equals(key)) {
                return component;
            }
        }
        return null;
    }

    static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Object read(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    /** What a value of {@code type} looks like, for "expected ..." messages. */
    static String describe(Type type) {
        Class<?> raw = raw(type);
        if (raw == int.class || raw == Integer.class) {
            return "an integer";
        }
        if (raw == double.class || raw == Double.class) {
            return "a number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == String.class) {
            return "a string";
        }
        if (raw == Path.class) {
            return "a path";
        }
        if (raw.isEnum()) {
            return "one of: " + Spelling.all(raw);
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            String one = describe(element);
            return "a list of " + (one.equals("an integer") ? "integers" : one.equals("a string") ? "strings" : one);
        }
        if (raw.isRecord()) {
            return "a mapping with keys: " + String.join(", ", keys(raw));
        }
        throw new IllegalStateException("no description for " + type);
    }

    // ---- defaults ----

    /** Adds every missing key of {@code node}, recursively, from the section templates. */
    static void fillDefaults(ObjectNode node, Class<?> record, Object template) {
        for (RecordComponent component : record.getRecordComponents()) {
            String key = key(component);
            JsonNode value = node.get(key);
            Object fallback = template == null ? null : read(component, template);
            if (value == null) {
                node.set(key, fallback == null ? NullNode.getInstance() : ConfigMappers.YAML.valueToTree(fallback));
            } else if (value.isObject() && component.getType().isRecord()) {
                Class<?> type = component.getType();
                fillDefaults((ObjectNode) value, type, fallback != null ? fallback : TEMPLATES.get(type).get());
            }
        }
    }

    static Object template(Class<?> record) {
        return TEMPLATES.get(record).get();
    }

    // ---- structural check ----

    /**
     * Checks that {@code node} has the shape of {@code type}; reports unknown keys, wrong types and missing
     * required values, and returns the node to store (scalars coerced where that is safe).
     */
    static JsonNode check(JsonNode node, Type type, String path, Problems problems) {
        Class<?> raw = raw(type);
        if (raw.isRecord()) {
            if (!node.isObject()) {
                problems.invalid(path, node, describe(type));
                return node;
            }
            checkRecord((ObjectNode) node, raw, path, problems);
            return node;
        }
        if (raw == List.class) {
            ArrayNode list;
            if (node.isArray()) {
                list = (ArrayNode) node;
            } else {
                problems.invalid(path, node, describe(type));
                return node;
            }
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            for (int i = 0; i < list.size(); i++) {
                String at = path + "[" + i + "]";
                if (list.get(i).isNull()) {
                    problems.invalid(at, list.get(i), describe(element));
                } else {
                    list.set(i, check(list.get(i), element, at, problems));
                }
            }
            return list;
        }
        if (raw == int.class || raw == Integer.class) {
            if (!(node.isIntegralNumber() && node.canConvertToInt())) {
                problems.invalid(path, node, describe(type));
            }
            return node;
        }
        if (raw == double.class || raw == Double.class) {
            if (node.isNumber()) {
                return node;
            }
            if (node.isTextual() && NUMBER_TEXT.matcher(node.textValue()).matches()) {
                return DoubleNode.valueOf(Double.parseDouble(node.textValue()));
            }
            problems.invalid(path, node, describe(type));
            return node;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (!node.isBoolean()) {
                problems.invalid(path, node, describe(type));
            }
            return node;
        }
        if (raw == String.class) {
            if (node.isTextual()) {
                return node;
            }
            if (node.isArray() && path.equals("device")) {
                problems.invalid(path, node, "one device: auto, cpu, gpu or gpu:N (a job trains on one device;"
                        + " data-parallel training over several is not supported)");
                return node;
            }
            if (node.isNumber() || node.isBoolean()) {
                return TextNode.valueOf(node.asText()); // e.g. name: 2024
            }
            problems.invalid(path, node, describe(type));
            return node;
        }
        if (raw == Path.class) {
            if (!node.isTextual() || node.textValue().isBlank()) {
                problems.invalid(path, node, describe(type));
            }
            return node;
        }
        if (raw.isEnum()) {
            if (!node.isTextual() || !Spelling.isSpelling(raw, node.textValue())) {
                problems.invalid(path, node, describe(type));
            }
            return node;
        }
        throw new IllegalStateException("no check for " + type + " at " + path);
    }

    private static void checkRecord(ObjectNode node, Class<?> record, String path, Problems problems) {
        List<String> keys = keys(record);
        node.fieldNames().forEachRemaining(name -> {
            if (!keys.contains(name)) {
                String at = join(path, name);
                problems.unknownKey(at, problems.originOf(at), keys);
            }
        });
        for (RecordComponent component : record.getRecordComponents()) {
            String key = key(component);
            String at = join(path, key);
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                if (!NULLABLE.contains(at)) {
                    problems.missing(at, describe(component.getGenericType()));
                }
                continue;
            }
            node.set(key, check(value, component.getGenericType(), at, problems));
        }
    }

}
