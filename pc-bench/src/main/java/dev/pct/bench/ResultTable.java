package dev.pct.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The table of a benchmark run: reads the JMH JSON result file and renders samples per second,
 * the speed-up of the closed-form loss over the naive composition, the bytes the loss moves per
 * second next to the measured copy bandwidth, and the cost of the PC loss in a training step.
 *
 * <p>Usage: {@code java -cp pc-bench.jar dev.pct.bench.ResultTable <jmh.json> [--markdown
 * <out.md>]}. The table is Markdown with padded columns, readable in a terminal and in the README.
 */
public final class ResultTable {

    /** Loss cases with at least this many logits (N × C) get a bytes-per-second column. */
    public static final long LARGE_CASE_ELEMENTS = 1_000_000L;

    private static final String LOSS_PATH = "LossPathBenchmark";
    private static final String TRAINING_STEP = "TrainingStepBenchmark";
    private static final String COPY = "CopyBandwidthBenchmark";

    private ResultTable() {}

    /**
     * One JMH result: the benchmark, its parameters and its time per operation.
     *
     * @param benchmark the class's simple name and the method, e.g. {@code
     *     LossPathBenchmark.focalDistillation}
     * @param params the JMH parameters of the case
     * @param secondsPerOp the mean time of one operation in seconds
     */
    public record Result(String benchmark, Map<String, String> params, double secondsPerOp) {

        String param(String key) {
            return params.getOrDefault(key, "");
        }

        int intParam(String key) {
            String value = param(key);
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        benchmark + ": param " + key + " expected an integer, got '" + value + "'",
                        e);
            }
        }
    }

    /**
     * One row of the loss path table: a (device, N, C, distance) with both implementations.
     *
     * @param device {@code cpu} or {@code gpu}
     * @param batchSize N
     * @param numClasses C
     * @param distance {@code kl_tau1}, {@code kl_tau100} or {@code lm}
     * @param naiveSamplesPerSecond N / time of the naive composition (NaN if not measured)
     * @param pctSamplesPerSecond N / time of the closed-form loss (NaN if not measured)
     * @param speedUp naive time / pct time (NaN if either is missing)
     * @param crossEntropySamplesPerSecond N / time of DJL's cross-entropy alone (NaN if missing)
     * @param pctBytesPerSecond 3 × N × C × 4 / pct time for large cases, else NaN
     * @param copyBytesPerSecond the measured copy bandwidth on the device, else NaN
     */
    public record LossPathRow(
            String device,
            int batchSize,
            int numClasses,
            String distance,
            double naiveSamplesPerSecond,
            double pctSamplesPerSecond,
            double speedUp,
            double crossEntropySamplesPerSecond,
            double pctBytesPerSecond,
            double copyBytesPerSecond) {}

    /**
     * One row of the training step table.
     *
     * @param device {@code cpu} or {@code gpu}
     * @param model {@code mlp} or {@code cnn}
     * @param crossEntropyStepsPerSecond steps per second with cross-entropy alone
     * @param focalStepsPerSecond steps per second with focal distillation added
     * @param overhead focal time / cross-entropy time − 1
     */
    public record TrainingStepRow(
            String device,
            String model,
            double crossEntropyStepsPerSecond,
            double focalStepsPerSecond,
            double overhead) {}

    /**
     * Reads a JMH JSON result file.
     *
     * @param file the file written by {@code -rf json -rff <file>}
     * @return the results, GPU cases skipped for want of a GPU left out
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a JMH result array
     */
    public static List<Result> read(Path file) {
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
     * @return the results, GPU cases skipped for want of a GPU left out
     * @throws IllegalArgumentException if it is not a JMH result array
     */
    public static List<Result> parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("expected JMH JSON, got unparsable text", e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of JMH results");
        }
        List<Result> results = new ArrayList<>();
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
            results.add(new Result(shortName(fqn), params, seconds));
        }
        return results;
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

    /**
     * Builds the loss path rows, one per (device, N, C, distance) measured.
     *
     * @param results the parsed results
     * @return the rows in order of device, N, C and distance
     */
    public static List<LossPathRow> lossPathRows(List<Result> results) {
        Map<String, Result[]> byCase = new LinkedHashMap<>();
        Map<String, Result> crossEntropy = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.benchmark().equals(LOSS_PATH + ".focalDistillation")) {
                String key = r.param("device") + "|" + r.intParam("batchSize") + "|"
                        + r.intParam("numClasses") + "|" + r.param("distance");
                Result[] pair = byCase.computeIfAbsent(key, k -> new Result[2]);
                switch (r.param("impl")) {
                    case "naive":
                        pair[0] = r;
                        break;
                    case "pct":
                        pair[1] = r;
                        break;
                    default:
                        throw new IllegalArgumentException(r.benchmark()
                                + ": param impl expected naive or pct, got '" + r.param("impl")
                                + "'");
                }
            } else if (r.benchmark().equals(LOSS_PATH + ".crossEntropy")) {
                crossEntropy.put(r.param("device") + "|" + r.intParam("batchSize") + "|"
                        + r.intParam("numClasses"), r);
            }
        }
        List<LossPathRow> rows = new ArrayList<>();
        for (Map.Entry<String, Result[]> e : byCase.entrySet()) {
            String[] key = e.getKey().split("\\|", -1);
            String device = key[0];
            int n = Integer.parseInt(key[1]);
            int c = Integer.parseInt(key[2]);
            Result naive = e.getValue()[0];
            Result pct = e.getValue()[1];
            Result ce = crossEntropy.get(device + "|" + n + "|" + c);
            double naiveRate = naive == null ? Double.NaN : n / naive.secondsPerOp();
            double pctRate = pct == null ? Double.NaN : n / pct.secondsPerOp();
            double speedUp = naive == null || pct == null
                    ? Double.NaN
                    : naive.secondsPerOp() / pct.secondsPerOp();
            double ceRate = ce == null ? Double.NaN : n / ce.secondsPerOp();
            boolean large = (long) n * c >= LARGE_CASE_ELEMENTS;
            double bytes = 3.0 * n * c * Float.BYTES;
            double pctBytesRate = large && pct != null ? bytes / pct.secondsPerOp() : Double.NaN;
            double copyRate = large ? copyBytesPerSecond(results, device) : Double.NaN;
            rows.add(new LossPathRow(device, n, c, key[3], naiveRate, pctRate, speedUp, ceRate,
                    pctBytesRate, copyRate));
        }
        rows.sort(Comparator.comparing(LossPathRow::device)
                .thenComparingInt(LossPathRow::batchSize)
                .thenComparingInt(LossPathRow::numClasses)
                .thenComparing(LossPathRow::distance));
        return rows;
    }

    /**
     * The copy bandwidth measured on a device: the engine's duplicate there, else (on the CPU) the
     * heap array copy.
     *
     * @param results the parsed results
     * @param device {@code cpu} or {@code gpu}
     * @return bytes per second (reads plus writes), or NaN if not measured
     */
    public static double copyBytesPerSecond(List<Result> results, String device) {
        Optional<Result> duplicate = results.stream()
                .filter(r -> r.benchmark().equals(COPY + ".ndarrayDuplicate")
                        && device.equals(r.param("device")))
                .findFirst();
        if (duplicate.isPresent()) {
            return 2.0 * CopyBandwidthBenchmark.DUPLICATE_BYTES / duplicate.get().secondsPerOp();
        }
        if ("cpu".equals(device)) {
            return results.stream()
                    .filter(r -> r.benchmark().equals(COPY + ".arraycopy"))
                    .findFirst()
                    .map(r -> 2.0 * CopyBandwidthBenchmark.ARRAYCOPY_BYTES / r.secondsPerOp())
                    .orElse(Double.NaN);
        }
        return Double.NaN;
    }

    /**
     * Builds the training step rows, one per (device, model) measured.
     *
     * @param results the parsed results
     * @return the rows in order of device and model
     */
    public static List<TrainingStepRow> trainingStepRows(List<Result> results) {
        Map<String, Result[]> byCase = new TreeMap<>();
        for (Result r : results) {
            if (!r.benchmark().startsWith(TRAINING_STEP + ".")) {
                continue;
            }
            Result[] pair = byCase.computeIfAbsent(
                    r.param("device") + "|" + r.param("model"), k -> new Result[2]);
            pair["ce".equals(r.param("loss")) ? 0 : 1] = r;
        }
        List<TrainingStepRow> rows = new ArrayList<>();
        for (Map.Entry<String, Result[]> e : byCase.entrySet()) {
            String[] key = e.getKey().split("\\|", -1);
            Result ce = e.getValue()[0];
            Result focal = e.getValue()[1];
            rows.add(new TrainingStepRow(key[0], key[1],
                    ce == null ? Double.NaN : 1.0 / ce.secondsPerOp(),
                    focal == null ? Double.NaN : 1.0 / focal.secondsPerOp(),
                    ce == null || focal == null
                            ? Double.NaN
                            : focal.secondsPerOp() / ce.secondsPerOp() - 1.0));
        }
        return rows;
    }

    /**
     * Renders all tables as Markdown.
     *
     * @param results the parsed results
     * @return the Markdown text
     */
    public static String render(List<Result> results) {
        StringBuilder out = new StringBuilder();
        List<LossPathRow> loss = lossPathRows(results);
        if (!loss.isEmpty()) {
            out.append("### Loss path: forward + backward to the logits' gradient\n\n");
            List<String[]> cells = new ArrayList<>();
            cells.add(new String[] {"device", "N", "C", "distance", "naive samples/s",
                "pct samples/s", "speed-up pct/naive", "CE floor samples/s",
                "pct GB/s (3·N·C·4 B)", "copy GB/s"});
            for (LossPathRow r : loss) {
                cells.add(new String[] {r.device(), Integer.toString(r.batchSize()),
                    Integer.toString(r.numClasses()), r.distance(), si(r.naiveSamplesPerSecond()),
                    si(r.pctSamplesPerSecond()), times(r.speedUp()),
                    si(r.crossEntropySamplesPerSecond()), gigabytes(r.pctBytesPerSecond()),
                    gigabytes(r.copyBytesPerSecond())});
            }
            appendTable(out, cells);
            out.append("\nSpeed-up = naive time / pct time. GB/s (1e9 bytes) only for N·C ≥ ")
                    .append(LARGE_CASE_ELEMENTS)
                    .append(": bytes a step must move at least (read z and o, write the gradient)"
                            + " per second, next to the measured copy bandwidth"
                            + " (reads + writes).\n\n");
        }
        List<TrainingStepRow> steps = trainingStepRows(results);
        if (!steps.isEmpty()) {
            out.append("### Training step (batch ").append(TrainingStepBenchmark.BATCH_SIZE)
                    .append(", 28×28×1, ").append(TrainingStepBenchmark.NUM_CLASSES)
                    .append(" classes, SGD momentum)\n\n");
            List<String[]> cells = new ArrayList<>();
            cells.add(new String[] {"device", "model", "CE steps/s", "CE + focal KL steps/s",
                "CE samples/s", "CE + focal KL samples/s", "overhead"});
            for (TrainingStepRow r : steps) {
                cells.add(new String[] {r.device(), r.model(), si(r.crossEntropyStepsPerSecond()),
                    si(r.focalStepsPerSecond()),
                    si(r.crossEntropyStepsPerSecond() * TrainingStepBenchmark.BATCH_SIZE),
                    si(r.focalStepsPerSecond() * TrainingStepBenchmark.BATCH_SIZE),
                    percent(r.overhead())});
            }
            appendTable(out, cells);
            out.append("\nOverhead = time of a step with focal distillation / time with"
                    + " cross-entropy alone − 1.\n\n");
        }
        List<String[]> copies = new ArrayList<>();
        copies.add(new String[] {"copy", "device", "size", "GB/s (reads + writes)"});
        for (Result r : results) {
            if (r.benchmark().equals(COPY + ".arraycopy")) {
                copies.add(new String[] {"System.arraycopy", "cpu (heap)", "64 MiB",
                    gigabytes(2.0 * CopyBandwidthBenchmark.ARRAYCOPY_BYTES / r.secondsPerOp())});
            } else if (r.benchmark().equals(COPY + ".ndarrayDuplicate")) {
                copies.add(new String[] {"NDArray.duplicate", r.param("device"), "48 MiB",
                    gigabytes(2.0 * CopyBandwidthBenchmark.DUPLICATE_BYTES / r.secondsPerOp())});
            }
        }
        if (copies.size() > 1) {
            out.append("### Copy bandwidth\n\n");
            appendTable(out, copies);
            out.append('\n');
        }
        if (out.length() == 0) {
            out.append("No pc-bench results found (GPU cases skipped for want of a GPU are left out).\n");
        }
        return out.toString();
    }

    private static void appendTable(StringBuilder out, List<String[]> cells) {
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int r = 0; r < cells.size(); r++) {
            appendRow(out, cells.get(r), width);
            if (r == 0) {
                String[] rule = new String[width.length];
                for (int i = 0; i < width.length; i++) {
                    rule[i] = "-".repeat(width[i]);
                }
                appendRow(out, rule, width);
            }
        }
    }

    private static void appendRow(StringBuilder out, String[] row, int[] width) {
        out.append('|');
        for (int i = 0; i < row.length; i++) {
            out.append(' ').append(row[i]).append(" ".repeat(width[i] - row[i].length()))
                    .append(" |");
        }
        out.append('\n');
    }

    static String si(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        if (value >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", value / 1e9);
        }
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String times(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f×", value);
    }

    static String percent(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%+.1f %%", 100 * value);
    }

    static String gigabytes(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond)
                ? "–"
                : String.format(Locale.ROOT, "%.1f", bytesPerSecond / 1e9);
    }

    /**
     * Prints the tables of a JMH JSON result file, and writes them as Markdown if asked.
     *
     * @param args {@code <jmh.json> [--markdown <out.md>]}
     * @throws IOException if the Markdown file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && "--markdown".equals(args[1]))) {
            System.err.println("usage: ResultTable <jmh.json> [--markdown <out.md>]");
            System.exit(2);
        }
        String table = render(read(Path.of(args[0])));
        System.out.print(table);
        if (args.length == 3) {
            Path md = Path.of(args[2]);
            Files.writeString(md, table, StandardCharsets.UTF_8);
            System.out.println("Markdown table written to " + md);
        }
    }
}
