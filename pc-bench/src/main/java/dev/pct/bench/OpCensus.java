package dev.pct.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The op census of the loss path: how many native operators one step of each {@link
 * LossImplementation} runs, counted from libtorch's own profiler, so that a speed-up target that
 * DJL's per-call cost puts out of reach can be shown with a measurement rather than argued.
 *
 * <p>For every case (device, N, C, distance) it builds the batch of {@link LossPathBenchmark},
 * warms each implementation up, then runs {@link LossPathBenchmark#step} (fresh gradient leaf,
 * forward, backward, host read of the loss) between {@code JniUtils.startProfile} and {@code
 * JniUtils.stopProfile}, several times, one step per profile. It counts the top-level aten
 * operators of the trace ({@link ChromeTrace#topLevelAtenOps}): forward, backward (autograd's
 * nodes run on the calling thread on CPU) and the step's own detach, {@code requires_grad_} and
 * host read. DJL's JNI calls that reach no aten operator (shape queries, closing arrays) are not
 * counted. The census also records the time the trace spends in those operators and the span of
 * the trace; both are taken under the profiler, which slows every operator, so they show
 * proportions, not speed.
 *
 * <p>Usage: {@code java -cp pc-bench.jar dev.pct.bench.OpCensus --out census.json [--traces DIR]
 * [--devices cpu[,gpu]] [--batch-sizes 256,1024,4096] [--classes 10,100,1000] [--distances
 * kl_tau1,kl_tau100,lm,ldi] [--profiled-steps 3]}. With {@code --traces} the last trace of every case
 * and implementation is kept for reading by hand. GPU cases are left out when the engine sees no
 * GPU.
 */
public final class OpCensus {

    /** Steps run before profiling, so that one-time work (allocator growth, lazy init) is left out. */
    private static final int WARMUP_STEPS = 3;

    private OpCensus() {}

    /**
     * What one profiled step of one implementation ran.
     *
     * @param opsPerStep top-level aten operators in the last profiled step
     * @param opsPerProfiledStep the same count for every profiled step (they should agree)
     * @param ops top-level aten operators of the last profiled step by name
     * @param atenMicros median over profiled steps of the time inside top-level aten operators
     * @param traceMicros median over profiled steps of the span from the first to the last event
     */
    public record Count(int opsPerStep, List<Integer> opsPerProfiledStep, Map<String, Integer> ops,
            double atenMicros, double traceMicros) {}

    /**
     * Profiles one step of an implementation several times.
     *
     * @param batch a set-up batch
     * @param prepared the loss and labels
     * @param profiledSteps how many steps to profile, one profile each
     * @param keep where to keep the last trace, or {@code null} to delete it
     * @return the count
     * @throws IOException if a trace cannot be written or read
     */
    static Count count(LossPathBenchmark.Batch batch, LossImplementation.Prepared prepared,
            int profiledSteps, Path keep) throws IOException {
        for (int i = 0; i < WARMUP_STEPS; i++) {
            LossPathBenchmark.step(batch, prepared.loss(), prepared.labels());
        }
        List<Integer> counts = new ArrayList<>();
        double[] aten = new double[profiledSteps];
        double[] span = new double[profiledSteps];
        Map<String, Integer> last = Map.of();
        if (keep != null) {
            Files.createDirectories(keep.toAbsolutePath().getParent());
        }
        for (int i = 0; i < profiledSteps; i++) {
            boolean kept = keep != null && i == profiledSteps - 1;
            Path trace = kept ? keep : Files.createTempFile("pc-bench-census-", ".json");
            try {
                JniUtils.startProfile(false, false, false);
                try {
                    LossPathBenchmark.step(batch, prepared.loss(), prepared.labels());
                } finally {
                    JniUtils.stopProfile(trace.toString());
                }
                List<ChromeTrace.Event> events = ChromeTrace.read(trace);
                List<ChromeTrace.Event> top = ChromeTrace.topLevelAtenOps(events);
                counts.add(top.size());
                last = ChromeTrace.histogram(top);
                aten[i] = top.stream().mapToDouble(ChromeTrace.Event::duration).sum();
                span[i] = events.stream().mapToDouble(ChromeTrace.Event::end).max().orElse(0)
                        - events.stream().mapToDouble(ChromeTrace.Event::start).min().orElse(0);
            } finally {
                if (!kept) {
                    Files.deleteIfExists(trace);
                }
            }
        }
        return new Count(counts.get(counts.size() - 1), counts, last, Spread.of(aten).median(),
                Spread.of(span).median());
    }

    /**
     * Runs the census and writes its JSON.
     *
     * @param args see the class documentation
     * @throws IOException if the output cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        Path out = Path.of(require(options, "out"));
        Path traces = options.containsKey("traces") ? Path.of(options.get("traces")) : null;
        List<String> devices = list(options.getOrDefault("devices", "cpu"));
        int[] batchSizes = ints(options.getOrDefault("batch-sizes", "256,1024,4096"), "batch-sizes");
        int[] classes = ints(options.getOrDefault("classes", "10,100,1000"), "classes");
        List<String> distances = list(options.getOrDefault("distances", "kl_tau1,kl_tau100,lm,ldi"));
        int profiledSteps = ints(options.getOrDefault("profiled-steps", "3"), "profiled-steps")[0];

        Engine engine = Engine.getInstance();
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("djlVersion", Engine.getDjlVersion());
        root.put("engine", engine.getEngineName());
        root.put("engineVersion", engine.getVersion());
        root.put("intraOpThreads", JniUtils.getNumThreads());
        root.put("interOpThreads", JniUtils.getNumInteropThreads());
        root.put("counted", "top-level aten operators (not nested in another aten operator on"
                + " the same thread) of one step: fresh leaf, forward, backward, host read");
        root.put("profiledSteps", profiledSteps);
        ArrayNode cases = root.putArray("cases");
        for (String device : devices) {
            if ("gpu".equals(device) && engine.getGpuCount() == 0) {
                System.err.println("[pc-bench] census: the engine sees no GPU, gpu cases left out");
                continue;
            }
            for (int n : batchSizes) {
                for (int c : classes) {
                    for (String distance : distances) {
                        cases.add(census(mapper, device, n, c, distance, profiledSteps, traces));
                    }
                }
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        mapper.writeValue(out.toFile(), root);
        System.out.println("op census written to " + out);
    }

    private static ObjectNode census(ObjectMapper mapper, String device, int n, int c,
            String distance, int profiledSteps, Path traces) throws IOException {
        LossPathBenchmark.Batch batch = new LossPathBenchmark.Batch();
        batch.device = device;
        batch.batchSize = n;
        batch.numClasses = c;
        LossPathBenchmark.Implementations impls = new LossPathBenchmark.Implementations();
        impls.distance = distance;
        ObjectNode node = mapper.createObjectNode();
        node.put("device", device);
        node.put("batchSize", n);
        node.put("numClasses", c);
        node.put("distance", distance);
        ObjectNode byImpl = node.putObject("implementations");
        batch.setUpBatch();
        try {
            impls.setUpImplementations(batch);
            for (LossImplementation impl : LossImplementation.values()) {
                Path keep = traces == null ? null : traces.resolve(String.format(Locale.ROOT,
                        "%s-N%d-C%d-%s-%s.json", device, n, c, distance, impl.key()));
                Count count = count(batch, impls.get(impl), profiledSteps, keep);
                ObjectNode entry = byImpl.putObject(impl.key());
                entry.put("opsPerStep", count.opsPerStep());
                ArrayNode all = entry.putArray("opsPerProfiledStep");
                count.opsPerProfiledStep().forEach(all::add);
                entry.put("atenMicros", count.atenMicros());
                entry.put("traceMicros", count.traceMicros());
                ObjectNode ops = entry.putObject("ops");
                count.ops().forEach(ops::put);
            }
        } finally {
            batch.tearDownBatch();
        }
        System.err.printf(Locale.ROOT, "[pc-bench] census %s N=%d C=%d %s: naive %d, pct %d, pct at tau 1 %d,"
                + " CE %d ops per step%n", device, n, c, distance,
                byImpl.path("naive").path("opsPerStep").asInt(),
                byImpl.path("pct").path("opsPerStep").asInt(),
                byImpl.path("pctTau1").path("opsPerStep").asInt(),
                byImpl.path("crossEntropy").path("opsPerStep").asInt());
        return node;
    }

    /**
     * A census file read back: the engine that ran it and the op counts of every case.
     *
     * @param djlVersion DJL's version
     * @param engineVersion the engine's (libtorch's) version
     * @param intraOpThreads libtorch's intra-op threads in the census JVM
     * @param interOpThreads libtorch's inter-op threads in the census JVM
     * @param opsPerStep {@code device|N|C|distance} to implementation key ({@link
     *     LossImplementation#key()}) to top-level aten operators per step
     */
    public record Census(String djlVersion, String engineVersion, int intraOpThreads,
            int interOpThreads, Map<String, Map<String, Integer>> opsPerStep) {

        /**
         * Returns the ops per step of one implementation in one case.
         *
         * @param caseKey {@code device|N|C|distance}
         * @param impl the implementation
         * @return the count, or -1 if the census has none
         */
        public int ops(String caseKey, LossImplementation impl) {
            return opsPerStep.getOrDefault(caseKey, Map.of()).getOrDefault(impl.key(), -1);
        }
    }

    /**
     * Reads a census file.
     *
     * @param file a file written by {@link #main}
     * @return the census
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a census
     */
    public static Census read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read op census " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the text of a census file.
     *
     * @param json the text {@link #main} wrote
     * @return the census
     * @throws IllegalArgumentException if it is not a census
     */
    public static Census parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("expected an op census, got unparsable text", e);
        }
        if (root == null || !root.path("cases").isArray()) {
            throw new IllegalArgumentException("expected an object with a 'cases' array");
        }
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (JsonNode c : root.get("cases")) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            c.path("implementations").fields().forEachRemaining(
                    e -> counts.put(e.getKey(), e.getValue().path("opsPerStep").asInt(-1)));
            out.put(ResultTable.caseKey(c.path("device").asText(), c.path("batchSize").asInt(),
                    c.path("numClasses").asInt(), c.path("distance").asText()), counts);
        }
        return new Census(root.path("djlVersion").asText(""), root.path("engineVersion").asText(""),
                root.path("intraOpThreads").asInt(-1), root.path("interOpThreads").asInt(-1), out);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("expected --name value pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            usage("--" + name + " is required");
        }
        return value;
    }

    private static List<String> list(String csv) {
        return Arrays.asList(csv.split(","));
    }

    private static int[] ints(String csv, String name) {
        try {
            return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            usage("--" + name + " expected comma-separated integers, got '" + csv + "'");
            return new int[0];
        }
    }

    private static void usage(String problem) {
        System.err.println("OpCensus: " + problem);
        System.err.println("usage: OpCensus --out census.json [--traces DIR] [--devices cpu,gpu]"
                + " [--batch-sizes 256,1024,4096] [--classes 10,100,1000]"
                + " [--distances kl_tau1,kl_tau100,lm,ldi] [--profiled-steps 3]");
        System.exit(2);
    }
}
