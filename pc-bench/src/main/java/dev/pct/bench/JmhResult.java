package dev.pct.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One result of a JMH JSON result file ({@code -rf json}): the benchmark, its parameters, its
 * primary score, the per-iteration values of its secondary metrics and how its fork was run.
 *
 * @param benchmark the class's simple name and the method, e.g. {@code
 *     LossPathBenchmark.interleaved}
 * @param params the JMH parameters of the case
 * @param secondsPerOp the primary score as the mean time of one operation in seconds
 * @param secondary each secondary metric's raw values, one per measurement iteration, forks in
 *     order ({@code secondaryMetrics.<name>.rawData} flattened)
 * @param jvmArgs the JVM arguments of the forks
 * @param vm the JDK version, VM name and VM version, e.g. {@code 17.0.15 OpenJDK 64-Bit Server VM
 *     17.0.15+6-Debian-1deb12u1}
 */
public record JmhResult(String benchmark, Map<String, String> params, double secondsPerOp,
        Map<String, double[]> secondary, List<String> jvmArgs, String vm) {

    String param(String key) {
        return params.getOrDefault(key, "");
    }

    int intParam(String key) {
        String value = param(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    benchmark + ": param " + key + " expected an integer, got '" + value + "'", e);
        }
    }

    /**
     * Returns the per-iteration values of a secondary metric.
     *
     * @param name the metric, e.g. {@code pctNanos}
     * @return its values, empty if the result has no such metric
     */
    double[] secondary(String name) {
        return secondary.getOrDefault(name, new double[0]);
    }

    /**
     * Returns the value of a system property given to the forks as {@code -Dname=value}.
     *
     * @param name the property
     * @return its value, if the forks got it
     */
    Optional<String> systemProperty(String name) {
        String prefix = "-D" + name + "=";
        String found = null;
        for (String arg : jvmArgs) {
            if (arg.startsWith(prefix)) {
                found = arg.substring(prefix.length()); // the last one wins, as in the JVM
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Reads a JMH JSON result file.
     *
     * @param file the file written by {@code -rf json -rff <file>}
     * @return the results, GPU cases skipped for want of a GPU left out
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a JMH result array
     */
    public static List<JmhResult> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JMH results " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the text of a JMH JSON result file.
     *
     * @param json the JSON text, an array of JMH results
     * @return the results, GPU cases skipped for want of a GPU left out (see {@link BenchDevices})
     * @throws IllegalArgumentException if it is not a JMH result array
     */
    public static List<JmhResult> parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("expected JMH JSON, got unparsable text", e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of JMH results");
        }
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode node : root) {
            String fqn = node.path("benchmark").asText("");
            JsonNode metric = node.path("primaryMetric");
            if (fqn.isEmpty() || !metric.has("score")) {
                throw new IllegalArgumentException(
                        "expected 'benchmark' and 'primaryMetric.score' in every result, got "
                                + node);
            }
            Map<String, String> params = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.path("params").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            double seconds = secondsPerOp(metric.get("score").asDouble(),
                    metric.path("scoreUnit").asText(""), fqn);
            if ("gpu".equals(params.get("device"))
                    && seconds * 1e9 < BenchDevices.SKIPPED_SCORE_LIMIT_NS) {
                continue;
            }
            Map<String, double[]> secondary = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            node.path("secondaryMetrics").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                secondary.put(e.getKey(), rawData(e.getValue().path("rawData"), fqn, e.getKey()));
            }
            List<String> jvmArgs = new ArrayList<>();
            node.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
            String vm = String.join(" ", node.path("jdkVersion").asText(""),
                    node.path("vmName").asText(""), node.path("vmVersion").asText("")).trim();
            results.add(new JmhResult(shortName(fqn), params, seconds, secondary, jvmArgs, vm));
        }
        return results;
    }

    private static double[] rawData(JsonNode forks, String benchmark, String metric) {
        if (!forks.isArray()) {
            throw new IllegalArgumentException(benchmark + ": secondary metric " + metric
                    + " expected 'rawData' as an array of forks, got " + forks);
        }
        List<Double> values = new ArrayList<>();
        for (JsonNode fork : forks) {
            for (JsonNode v : fork) {
                values.add(v.asDouble());
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double secondsPerOp(double score, String unit, String benchmark) {
        String[] parts = unit.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    benchmark + ": scoreUnit expected like 'us/op' or 'ops/s', got '" + unit + "'");
        }
        if ("op".equals(parts[1])) {
            return score * secondsOf(parts[0], benchmark);
        }
        if ("ops".equals(parts[0])) {
            return secondsOf(parts[1], benchmark) / score;
        }
        throw new IllegalArgumentException(
                benchmark + ": scoreUnit expected like 'us/op' or 'ops/s', got '" + unit + "'");
    }

    private static double secondsOf(String unit, String benchmark) {
        switch (unit) {
            case "s":
                return 1.0;
            case "ms":
                return 1e-3;
            case "us":
                return 1e-6;
            case "ns":
                return 1e-9;
            case "min":
                return 60.0;
            default:
                throw new IllegalArgumentException(
                        benchmark + ": time unit expected s, ms, us, ns or min, got '" + unit + "'");
        }
    }

    private static String shortName(String fqn) {
        int method = fqn.lastIndexOf('.');
        int type = fqn.lastIndexOf('.', method - 1);
        return fqn.substring(type + 1);
    }
}
