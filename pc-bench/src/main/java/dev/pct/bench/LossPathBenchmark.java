package dev.pct.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot loss path: forward and backward of a loss to the gradient of the new logits, for the
 * naive autograd composition ({@link NaiveFocalDistillation}), the closed-form {@link
 * FocalDistillationLoss} with teacher labels precomputed once (as the training job does), the same
 * loss at KL tau 1 (the cheapest distance, which the others are held to), and DJL's {@link
 * SoftmaxCrossEntropyLoss} as the floor, measured interleaved in one fork.
 *
 * <p>Why interleaved: on a machine shared with other work, two runs of separate benchmarks gave
 * speed-ups of 2.15× and 6.59× for the same case, because each implementation met a different load.
 * Here every invocation of {@link #interleaved} runs one step of each implementation, in an order
 * that cycles through all 24 permutations (so that neither position nor predecessor favours one),
 * and times each step with {@link System#nanoTime()} into {@link Timings}, JMH auxiliary counters
 * that are reset every iteration. The JMH JSON then holds, per iteration, each implementation's
 * summed nanoseconds and step count ({@code secondaryMetrics.naiveNanos.rawData} and so on), and
 * {@link ResultTable} forms the speed-up of each iteration from numbers taken under the same load,
 * and reports its median and range. The primary score (time of one invocation, all four steps)
 * means nothing on its own.
 *
 * <p>Each step opens a sub-manager, makes a fresh gradient leaf of the logits (a detached view, no
 * copy), evaluates the loss under a gradient collector, runs backward, reads the loss to the host
 * (so queued GPU work, backward included, is inside the measured time) and closes everything it
 * made.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class LossPathBenchmark {

    /** LDI's margin in the benchmark: the shipped sweep configs' value. */
    static final float LDI_MARGIN = 0.5f;

    /**
     * The orders of the steps in one invocation: all 24 permutations in turn, so that each
     * implementation takes every position, and follows each other one, equally often.
     */
    private static final LossImplementation[][] ORDERS = permutations(LossImplementation.values());

    /** Inputs shared by the implementations: logits, labels and old logits of one batch. */
    @State(Scope.Thread)
    public static class Batch {

        /** Where the arrays live and the ops run: {@code cpu} or {@code gpu}. */
        @Param({"cpu", "gpu"})
        public String device;

        /** N, the batch size. */
        @Param({"256", "1024", "4096"})
        public int batchSize;

        /** C, the number of classes. */
        @Param({"10", "100", "1000"})
        public int numClasses;

        NDManager manager;
        NDArray newLogits;
        NDArray labels;
        NDArray oldLogits;
        boolean skipped;

        @Setup(Level.Trial)
        public void setUpBatch() {
            Device dev = BenchDevices.resolve(device);
            skipped = dev == null;
            if (skipped) {
                return;
            }
            manager = NDManager.newBaseManager(dev);
            Engine.getInstance().setRandomSeed(42);
            Shape shape = new Shape(batchSize, numClasses);
            newLogits = manager.randomNormal(0f, 2f, shape, DataType.FLOAT32);
            // Old logits correlated with the new ones so that argmax agreement is realistic.
            oldLogits = newLogits.add(manager.randomNormal(0f, 1f, shape, DataType.FLOAT32));
            labels = manager.randomInteger(0, numClasses, new Shape(batchSize), DataType.INT64);
        }

        @TearDown(Level.Trial)
        public void tearDownBatch() {
            if (manager != null) {
                manager.close();
            }
        }
    }

    /** The four implementations for one distance setting, with their labels. */
    @State(Scope.Thread)
    public static class Implementations {

        /** The distance: KL at tau 1, KL at tau 100, logit matching, or LDI. */
        @Param({"kl_tau1", "kl_tau100", "lm", "ldi"})
        public String distance;

        final Map<LossImplementation, LossImplementation.Prepared> prepared =
                new EnumMap<>(LossImplementation.class);
        int nextOrder;

        @Setup(Level.Trial)
        public void setUpImplementations(Batch batch) {
            FocalDistillationLoss settings = focalDistillation(distance);
            if (batch.skipped) {
                return;
            }
            for (LossImplementation impl : LossImplementation.values()) {
                prepared.put(impl, impl.prepare(settings, batch.labels, batch.oldLogits));
            }
        }

        LossImplementation.Prepared get(LossImplementation impl) {
            return prepared.get(impl);
        }
    }

    /**
     * Per-iteration step times and counts of each implementation: JMH reports every public field
     * of an {@link AuxCounters} state as a secondary metric, one value per iteration. The field
     * names are {@link LossImplementation#nanosCounter()} and {@link
     * LossImplementation#callsCounter()}.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Timings {

        /** Nanoseconds in steps of the naive composition in this iteration. */
        public long naiveNanos;

        /** Steps of the naive composition in this iteration. */
        public long naiveCalls;

        /** Nanoseconds in steps of pct's loss in this iteration. */
        public long pctNanos;

        /** Steps of pct's loss in this iteration. */
        public long pctCalls;

        /** Nanoseconds in steps of pct's loss at KL tau 1 in this iteration. */
        public long pctTau1Nanos;

        /** Steps of pct's loss at KL tau 1 in this iteration. */
        public long pctTau1Calls;

        /** Nanoseconds in steps of DJL's cross-entropy in this iteration. */
        public long crossEntropyNanos;

        /** Steps of DJL's cross-entropy in this iteration. */
        public long crossEntropyCalls;

        /** JMH does not reset auxiliary counters; each iteration must start from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            naiveNanos = 0;
            naiveCalls = 0;
            pctNanos = 0;
            pctCalls = 0;
            pctTau1Nanos = 0;
            pctTau1Calls = 0;
            crossEntropyNanos = 0;
            crossEntropyCalls = 0;
        }

        void add(LossImplementation impl, long nanos) {
            switch (impl) {
                case NAIVE:
                    naiveNanos += nanos;
                    naiveCalls++;
                    break;
                case PCT:
                    pctNanos += nanos;
                    pctCalls++;
                    break;
                case PCT_TAU1:
                    pctTau1Nanos += nanos;
                    pctTau1Calls++;
                    break;
                case CROSS_ENTROPY:
                    crossEntropyNanos += nanos;
                    crossEntropyCalls++;
                    break;
                default:
                    throw new AssertionError(impl);
            }
        }
    }

    /**
     * The focal distillation settings of a benchmark case: alpha 1, beta 5, lambda 1, the
     * old-correct filter and the sum over classes, as in the paper; LDI with margin 0.5, power 2 and
     * every class (the shipped sweep configs' setting).
     *
     * @param distance {@code kl_tau1}, {@code kl_tau100}, {@code lm} or {@code ldi}
     * @return the loss
     * @throws IllegalArgumentException if the distance is none of these
     */
    static FocalDistillationLoss focalDistillation(String distance) {
        switch (distance) {
            case "kl_tau1":
                return focalDistillation(Distance.KL, 1f);
            case "kl_tau100":
                return focalDistillation(Distance.KL, 100f);
            case "lm":
                return focalDistillation(Distance.LOGIT_MATCHING, 1f);
            case "ldi":
                return FocalDistillationLoss.builder()
                        .optAlpha(1f)
                        .optBeta(5f)
                        .optLambda(1f)
                        .optDistance(Distance.LDI)
                        .optMargin(LDI_MARGIN)
                        .optPower(2f)
                        .optFilter(SampleFilter.OLD_CORRECT)
                        .optClassReduction(ClassReduction.SUM)
                        .build();
            default:
                throw new IllegalArgumentException(
                        "distance: expected kl_tau1, kl_tau100, lm or ldi, got '" + distance + "'");
        }
    }

    static FocalDistillationLoss focalDistillation(Distance distance, float tau) {
        return FocalDistillationLoss.builder()
                .optAlpha(1f)
                .optBeta(5f)
                .optTau(tau)
                .optLambda(1f)
                .optDistance(distance)
                .optFilter(SampleFilter.OLD_CORRECT)
                .optClassReduction(ClassReduction.SUM)
                .build();
    }

    /**
     * One step of each implementation, each timed on its own into {@code timings}.
     *
     * @param batch the inputs
     * @param impls the implementations of the case
     * @param timings the per-iteration counters
     * @return the sum of the loss values (consumed by JMH)
     */
    @Benchmark
    public float interleaved(Batch batch, Implementations impls, Timings timings) {
        if (batch.skipped) {
            return 0f;
        }
        LossImplementation[] order = ORDERS[impls.nextOrder];
        impls.nextOrder = (impls.nextOrder + 1) % ORDERS.length;
        float sum = 0f;
        for (LossImplementation impl : order) {
            LossImplementation.Prepared p = impls.get(impl);
            long start = System.nanoTime();
            sum += step(batch, p.loss(), p.labels());
            timings.add(impl, System.nanoTime() - start);
        }
        return sum;
    }

    /**
     * One forward and backward pass; shared by the benchmark, the op census and the smoke test.
     *
     * @return the loss value read to the host
     */
    static float step(Batch batch, Loss loss, NDList lossLabels) {
        try (NDScope scope = new NDScope();
                NDManager sub = batch.manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // A detached view: a new autograd leaf each time, so gradients never accumulate.
            NDArray z = batch.newLogits.stopGradient();
            z.attach(sub);
            z.setRequiresGradient(true);
            NDArray value = loss.evaluate(lossLabels, new NDList(z));
            value.attach(sub);
            collector.backward(value);
            return value.getFloat();
        }
    }

    static LossImplementation[][] permutations(LossImplementation[] items) {
        List<LossImplementation[]> out = new ArrayList<>();
        permute(items.clone(), 0, out);
        return out.toArray(new LossImplementation[0][]);
    }

    private static void permute(LossImplementation[] a, int k, List<LossImplementation[]> out) {
        if (k == a.length) {
            out.add(a.clone());
            return;
        }
        for (int i = k; i < a.length; i++) {
            LossImplementation t = a[k];
            a[k] = a[i];
            a[i] = t;
            permute(a, k + 1, out);
            a[i] = a[k];
            a[k] = t;
        }
    }
}
