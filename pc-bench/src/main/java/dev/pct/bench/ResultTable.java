package dev.pct.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The tables of a benchmark run: reads the JMH JSON result file, and optionally the PyTorch
 * anchor's JSON ({@link PyTorchAnchor}) and the op census ({@link OpCensus}), and renders the loss
 * path (step times, speed-ups with their spread, native operators per step, bytes per second next
 * to the copy bandwidth), the cost of the PC loss in a training step, and the copy bandwidth.
 *
 * <p>Why the spread: the speed-up of pct over the naive composition is formed within each JMH
 * iteration, from steps that ran interleaved in one fork ({@link LossPathBenchmark}), and is given
 * as its median and range over iterations. A ratio whose range leaves ±{@value
 * #TOLERANCE_PERCENT} % of its median, or that has fewer than two samples, is marked {@value
 * #NOT_A_RESULT} and is not a result.
 *
 * <p>Usage: {@code java -cp pc-bench.jar dev.pct.bench.ResultTable <jmh.json> [--pytorch
 * <pytorch.json>] [--census <census.json>] [--markdown <out.md>]}. The table is Markdown with
 * padded columns, readable in a terminal and in the README.
 */
public final class ResultTable {

    /** Loss cases with at least this many logits (N × C) get a bytes-per-second column. */
    public static final long LARGE_CASE_ELEMENTS = 1_000_000L;

    /** How far (in percent of the median) a ratio's range may reach on either side. */
    public static final int TOLERANCE_PERCENT = 20;

    /** The mark of a ratio whose spread is too wide or unknown. */
    public static final String NOT_A_RESULT = "†";

    private static final String LOSS_PATH = "LossPathBenchmark.interleaved";
    private static final String TRAINING_STEP = "TrainingStepBenchmark";
    private static final String COPY = "CopyBandwidthBenchmark";
    private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    private static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    private ResultTable() {}

    /**
     * The key of a loss path case in all three inputs.
     *
     * @param device {@code cpu} or {@code gpu}
     * @param n the batch size
     * @param c the number of classes
     * @param distance {@code kl_tau1}, {@code kl_tau100}, {@code lm} or {@code ldi}
     * @return {@code device|N|C|distance}
     */
    static String caseKey(String device, int n, int c, String distance) {
        return device + "|" + n + "|" + c + "|" + distance;
    }

    /**
     * One row of the loss path table: a (device, N, C, distance) case.
     *
     * @param device {@code cpu} or {@code gpu}
     * @param batchSize N
     * @param numClasses C
     * @param distance {@code kl_tau1}, {@code kl_tau100}, {@code lm} or {@code ldi}
     * @param naiveMicros per-iteration step time of the naive composition, µs
     * @param pctMicros per-iteration step time of pct's loss, µs
     * @param crossEntropyMicros per-iteration step time of DJL's cross-entropy, µs
     * @param pctVersusNaive per-iteration naive time / pct time
     * @param pctVersusTau1 per-iteration pct time / time of pct's loss at KL tau 1 (the target is at
     *     most 2); {@link Spread#NONE} for results without those counters
     * @param torchIdiomaticMicros per-block call time of the idiomatic PyTorch form, µs
     * @param torchNaiveMicros per-block call time of the naive PyTorch form, µs
     * @param pctVersusTorch PyTorch idiomatic time / pct time, with its range bounded by {@link
     *     Spread#ratio}
     * @param ops top-level aten operators per step: pct, naive, CE, PyTorch idiomatic, PyTorch
     *     naive; -1 where not counted
     * @param pctBytesPerSecond 3 × N × C × 4 / median pct time for large cases, else NaN
     * @param copyBytesPerSecond the measured copy bandwidth on the device for large cases, else NaN
     */
    public record LossPathRow(
            String device,
            int batchSize,
            int numClasses,
            String distance,
            Spread naiveMicros,
            Spread pctMicros,
            Spread crossEntropyMicros,
            Spread pctVersusNaive,
            Spread pctVersusTau1,
            Spread torchIdiomaticMicros,
            Spread torchNaiveMicros,
            Spread pctVersusTorch,
            OpCounts ops,
            double pctBytesPerSecond,
            double copyBytesPerSecond) {}

    /**
     * Top-level aten operators per step of each implementation, -1 where not counted.
     *
     * @param pct pct's loss (DJL)
     * @param naive the naive composition (DJL)
     * @param crossEntropy DJL's cross-entropy
     * @param torchIdiomatic the idiomatic PyTorch form
     * @param torchNaive the naive PyTorch form
     */
    public record OpCounts(int pct, int naive, int crossEntropy, int torchIdiomatic,
            int torchNaive) {}

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
     * Per-iteration step times of one implementation, from the JMH counters.
     *
     * @param r a loss path result
     * @param impl the implementation
     * @return µs per step in each iteration (NaN for an iteration without steps)
     */
    static double[] iterationMicros(JmhResult r, LossImplementation impl) {
        double[] nanos = r.secondary(impl.nanosCounter());
        double[] calls = r.secondary(impl.callsCounter());
        if (nanos.length != calls.length) {
            throw new IllegalArgumentException(r.benchmark() + " " + r.params() + ": "
                    + impl.nanosCounter() + " has " + nanos.length + " iterations but "
                    + impl.callsCounter() + " has " + calls.length);
        }
        double[] micros = new double[nanos.length];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = calls[i] > 0 ? nanos[i] / calls[i] / 1e3 : Double.NaN;
        }
        return micros;
    }

    /**
     * Builds the loss path rows, one per (device, N, C, distance) that JMH measured.
     *
     * @param results the JMH results
     * @param anchor the PyTorch anchor's results, or {@code null}
     * @param census the op census, or {@code null}
     * @return the rows in order of device, N, C and distance
     */
    public static List<LossPathRow> lossPathRows(List<JmhResult> results, PyTorchAnchor anchor,
            OpCensus.Census census) {
        List<LossPathRow> rows = new ArrayList<>();
        for (JmhResult r : results) {
            if (!r.benchmark().equals(LOSS_PATH)) {
                continue;
            }
            String device = r.param("device");
            int n = r.intParam("batchSize");
            int c = r.intParam("numClasses");
            String distance = r.param("distance");
            String key = caseKey(device, n, c, distance);
            double[] naive = iterationMicros(r, LossImplementation.NAIVE);
            double[] pct = iterationMicros(r, LossImplementation.PCT);
            double[] ce = iterationMicros(r, LossImplementation.CROSS_ENTROPY);
            double[] ratios = new double[naive.length];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = naive[i] / pct[i];
            }
            double[] tau1 = iterationMicros(r, LossImplementation.PCT_TAU1);
            Spread versusTau1 = Spread.NONE;
            if (tau1.length == pct.length && tau1.length > 0) {
                double[] times = new double[pct.length];
                for (int i = 0; i < times.length; i++) {
                    times[i] = pct[i] / tau1[i];
                }
                versusTau1 = Spread.of(times);
            }
            Spread pctSpread = Spread.of(pct);
            PyTorchAnchor.Case torch = anchor == null ? null : anchor.cases().get(key);
            Spread torchIdiomatic = torch == null ? Spread.NONE : torch.idiomatic().micros();
            Spread torchNaive = torch == null ? Spread.NONE : torch.naive().micros();
            OpCounts ops = new OpCounts(
                    census == null ? -1 : census.ops(key, LossImplementation.PCT),
                    census == null ? -1 : census.ops(key, LossImplementation.NAIVE),
                    census == null ? -1 : census.ops(key, LossImplementation.CROSS_ENTROPY),
                    torch == null ? -1 : torch.idiomatic().opsPerCall(),
                    torch == null ? -1 : torch.naive().opsPerCall());
            boolean large = (long) n * c >= LARGE_CASE_ELEMENTS;
            double bytes = 3.0 * n * c * Float.BYTES;
            rows.add(new LossPathRow(device, n, c, distance, Spread.of(naive), pctSpread,
                    Spread.of(ce), Spread.of(ratios), versusTau1, torchIdiomatic, torchNaive,
                    Spread.ratio(torchIdiomatic, pctSpread), ops,
                    large ? bytes / (pctSpread.median() * 1e-6) : Double.NaN,
                    large ? copyBytesPerSecond(results, device) : Double.NaN));
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
    public static double copyBytesPerSecond(List<JmhResult> results, String device) {
        Optional<JmhResult> duplicate = results.stream()
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
    public static List<TrainingStepRow> trainingStepRows(List<JmhResult> results) {
        Map<String, JmhResult[]> byCase = new TreeMap<>();
        for (JmhResult r : results) {
            if (!r.benchmark().startsWith(TRAINING_STEP + ".")) {
                continue;
            }
            JmhResult[] pair = byCase.computeIfAbsent(
                    r.param("device") + "|" + r.param("model"), k -> new JmhResult[2]);
            pair["ce".equals(r.param("loss")) ? 0 : 1] = r;
        }
        List<TrainingStepRow> rows = new ArrayList<>();
        for (Map.Entry<String, JmhResult[]> e : byCase.entrySet()) {
            String[] key = e.getKey().split("\\|", -1);
            JmhResult ce = e.getValue()[0];
            JmhResult focal = e.getValue()[1];
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
     * Renders the tables of a JMH run alone.
     *
     * @param results the parsed results
     * @return the Markdown text
     */
    public static String render(List<JmhResult> results) {
        return render(results, null, null);
    }

    /**
     * Renders all tables as Markdown.
     *
     * @param results the parsed JMH results
     * @param anchor the PyTorch anchor's results, or {@code null}
     * @param census the op census, or {@code null}
     * @return the Markdown text
     */
    public static String render(List<JmhResult> results, PyTorchAnchor anchor,
            OpCensus.Census census) {
        StringBuilder out = new StringBuilder();
        List<LossPathRow> loss = lossPathRows(results, anchor, census);
        if (!loss.isEmpty()) {
            out.append("### Loss path: forward + backward to the logits' gradient\n\n");
            out.append(runLine(results, anchor, census, loss)).append("\n\n");
            List<String[]> cells = new ArrayList<>();
            cells.add(new String[] {"device", "N", "C", "distance", "naive µs", "pct µs",
                "CE µs", "pct vs naive", "torch idiom. µs", "torch naive µs",
                "pct vs torch idiom.", "ops pct·naive·CE·torch", "µs/op naive DJL·torch",
                "pct GB/s", "copy GB/s", "pct ÷ tau 1"});
            for (LossPathRow r : loss) {
                cells.add(new String[] {r.device(), Integer.toString(r.batchSize()),
                    Integer.toString(r.numClasses()), r.distance(),
                    micros(r.naiveMicros().median()), micros(r.pctMicros().median()),
                    micros(r.crossEntropyMicros().median()), ratio(r.pctVersusNaive()),
                    micros(r.torchIdiomaticMicros().median()),
                    micros(r.torchNaiveMicros().median()), ratio(r.pctVersusTorch()),
                    count(r.ops().pct()) + " · " + count(r.ops().naive()) + " · "
                            + count(r.ops().crossEntropy()) + " · "
                            + count(r.ops().torchIdiomatic()),
                    perOp(r.naiveMicros().median(), r.ops().naive()) + " · "
                            + perOp(r.torchNaiveMicros().median(), r.ops().torchNaive()),
                    gigabytes(r.pctBytesPerSecond()), gigabytes(r.copyBytesPerSecond()),
                    ratio(r.pctVersusTau1())});
            }
            appendTable(out, cells);
            out.append("\nµs: median time of one step (fresh leaf, forward, backward, host read"
                    + " of the loss). pct vs naive = naive time / pct time, formed within each"
                    + " JMH iteration (the three DJL implementations run interleaved in one"
                    + " fork): median [min–max] over iterations. pct vs torch idiom. ="
                    + " PyTorch idiomatic time / pct time, median [PyTorch min / pct max –"
                    + " PyTorch max / pct min] (separate processes, one after the other, so a"
                    + " bound, not paired). ")
                    .append(NOT_A_RESULT).append(": the range leaves ±").append(TOLERANCE_PERCENT)
                    .append(" % of the median, or there are fewer than two samples: not a"
                            + " result.\n\nops: top-level aten operators per step (not nested in"
                            + " another aten operator; forward, backward, the leaf and the host"
                            + " read), from libtorch's profiler: OpCensus for DJL (pct, naive,"
                            + " CE), loss_path.py for PyTorch (idiomatic). µs/op = median step"
                            + " time / ops of the naive form, in DJL and in PyTorch: what one"
                            + " native call costs with its share of JNI and Java (or Python)"
                            + " overhead; at small N·C almost all of it is overhead.\n\nGB/s"
                            + " (1e9 bytes) only for N·C ≥ ")
                    .append(LARGE_CASE_ELEMENTS)
                    .append(": bytes a step must move at least (read z and o, write the gradient)"
                            + " per second at pct's median time, next to the measured copy"
                            + " bandwidth (reads + writes).\n\npct ÷ tau 1 = pct's time / the time of"
                            + " the same loss at KL tau 1 (the soft-target path), formed within each"
                            + " iteration like pct vs naive: what this distance costs over the"
                            + " cheapest one (the target is at most 2.00×).\n\n");
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
                    + " cross-entropy alone − 1 (separate JMH trials, not interleaved).\n\n");
        }
        List<String[]> copies = new ArrayList<>();
        copies.add(new String[] {"copy", "device", "size", "GB/s (reads + writes)"});
        for (JmhResult r : results) {
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

    /** The line under the loss path heading: threads, versions, samples per ratio. */
    static String runLine(List<JmhResult> results, PyTorchAnchor anchor, OpCensus.Census census,
            List<LossPathRow> rows) {
        Set<String> threads = new LinkedHashSet<>();
        Set<String> interop = new LinkedHashSet<>();
        Set<String> vms = new LinkedHashSet<>();
        for (JmhResult r : results) {
            if (r.benchmark().equals(LOSS_PATH)) {
                threads.add(r.systemProperty(THREADS_PROPERTY).orElse("not pinned"));
                interop.add(r.systemProperty(INTEROP_PROPERTY).orElse("not pinned"));
                vms.add(r.vm());
            }
        }
        StringBuilder line = new StringBuilder("Threads: libtorch intra-op ")
                .append(String.join(", ", threads)).append(", inter-op ")
                .append(String.join(", ", interop)).append(" in every JMH fork");
        if (anchor != null) {
            line.append("; PyTorch intra-op ").append(anchor.threads()).append(", inter-op ")
                    .append(anchor.interopThreads());
        }
        line.append(". JVM ").append(String.join(", ", vms));
        if (census != null) {
            line.append("; DJL ").append(census.djlVersion()).append(", libtorch ")
                    .append(census.engineVersion());
        }
        if (anchor != null) {
            line.append("; PyTorch anchor: torch ").append(anchor.torchVersion())
                    .append(", Python ").append(anchor.pythonVersion());
        }
        int fewest = rows.stream().mapToInt(r -> r.pctVersusNaive().samples()).min().orElse(0);
        int most = rows.stream().mapToInt(r -> r.pctVersusNaive().samples()).max().orElse(0);
        line.append(". Samples per range: ")
                .append(fewest == most ? Integer.toString(most) : fewest + "–" + most)
                .append(" JMH iterations");
        if (anchor != null && !anchor.cases().isEmpty()) {
            TreeSet<Integer> blocks = new TreeSet<>();
            anchor.cases().values().forEach(c -> blocks.add(c.idiomatic().micros().samples()));
            line.append(", ").append(blocks.size() == 1
                            ? blocks.first().toString()
                            : blocks.first() + "–" + blocks.last())
                    .append(" PyTorch blocks");
        }
        return line.append('.').toString();
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

    /**
     * Formats a ratio with its spread: {@code 2.38× [2.30–2.41]}, marked {@value #NOT_A_RESULT}
     * when the range leaves ±{@value #TOLERANCE_PERCENT} % of the median or has one sample.
     */
    static String ratio(Spread s) {
        if (s.samples() == 0) {
            return "–";
        }
        String mark = s.within(TOLERANCE_PERCENT / 100.0) ? "" : " " + NOT_A_RESULT;
        if (s.samples() == 1) {
            return String.format(Locale.ROOT, "%.2f× [n=1]%s", s.median(), mark);
        }
        return String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]%s", s.median(), s.min(), s.max(),
                mark);
    }

    static String micros(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return String.format(Locale.ROOT, value >= 1000 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f",
                value);
    }

    static String count(int ops) {
        return ops < 0 ? "–" : Integer.toString(ops);
    }

    static String perOp(double micros, int ops) {
        return ops <= 0 || Double.isNaN(micros) ? "–" : micros(micros / ops);
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

    static String percent(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%+.1f %%", 100 * value);
    }

    static String gigabytes(double bytesPerSecond) {
        return Double.isNaN(bytesPerSecond)
                ? "–"
                : String.format(Locale.ROOT, "%.1f", bytesPerSecond / 1e9);
    }

    /**
     * Prints the tables of a run, and writes them as Markdown if asked.
     *
     * @param args {@code <jmh.json> [--pytorch <pytorch.json>] [--census <census.json>]
     *     [--markdown <out.md>]}
     * @throws IOException if the Markdown file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length % 2 != 1) {
            usage();
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!Set.of("--pytorch", "--census", "--markdown").contains(args[i])) {
                usage();
            }
            options.put(args[i], args[i + 1]);
        }
        List<JmhResult> results = JmhResult.read(Path.of(args[0]));
        PyTorchAnchor anchor = options.containsKey("--pytorch")
                ? PyTorchAnchor.read(Path.of(options.get("--pytorch")))
                : null;
        OpCensus.Census census = options.containsKey("--census")
                ? OpCensus.read(Path.of(options.get("--census")))
                : null;
        String table = render(results, anchor, census);
        System.out.print(table);
        if (options.containsKey("--markdown")) {
            Path md = Path.of(options.get("--markdown"));
            Files.writeString(md, table, StandardCharsets.UTF_8);
            System.out.println("Markdown table written to " + md);
        }
    }

    private static void usage() {
        System.err.println("usage: ResultTable <jmh.json> [--pytorch <pytorch.json>]"
                + " [--census <census.json>] [--markdown <out.md>]");
        System.exit(2);
    }
}
