package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.pct.core.loss.ReferenceLoss;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The benchmark bodies run outside JMH: they return a finite loss and leave no array behind in
 * the long-lived managers, so a long measurement does not grow memory.
 */
class BenchmarkStepTest {

    /** The distances of the loss-path grid. */
    private static final String[] DISTANCES = {"kl_tau1", "kl_tau100", "lm", "ldi"};

    private static LossPathBenchmark.Implementations implementations(LossPathBenchmark.Batch batch,
            String distance) {
        LossPathBenchmark.Implementations impls = new LossPathBenchmark.Implementations();
        impls.distance = distance;
        impls.setUpImplementations(batch);
        return impls;
    }

    @Test
    void lossPathStepLeavesNoArrays() {
        for (String distance : DISTANCES) {
            LossPathBenchmark.Batch batch = batch(32, 10);
            try {
                LossPathBenchmark.Implementations impls = implementations(batch, distance);
                LossImplementation.Prepared ce = impls.get(LossImplementation.CROSS_ENTROPY);
                float ceValue = LossPathBenchmark.step(batch, ce.loss(), ce.labels());
                for (LossImplementation impl : new LossImplementation[] {
                    LossImplementation.NAIVE, LossImplementation.PCT, LossImplementation.PCT_TAU1}) {
                    LossImplementation.Prepared p = impls.get(impl);
                    LossPathBenchmark.step(batch, p.loss(), p.labels());
                    int before = batch.manager.getManagedArrays().size();
                    float value = LossPathBenchmark.step(batch, p.loss(), p.labels());
                    LossPathBenchmark.step(batch, ce.loss(), ce.labels());
                    assertTrue(Float.isFinite(value) && value > 0, impl + " " + distance);
                    assertTrue(value > ceValue, "distillation adds to cross-entropy");
                    assertEquals(before, batch.manager.getManagedArrays().size(),
                            impl + " " + distance + " leaked arrays");
                    assertEquals(DataType.FLOAT32, batch.newLogits.getDataType());
                    assertTrue(!batch.newLogits.hasGradient(), "the shared logits stay plain");
                }
            } finally {
                batch.tearDownBatch();
            }
        }
    }

    @Test
    void naiveCompositionAndPctComputeTheSameLossAsTheFloat64Reference() {
        // Two independent writings of one formula (autograd composition with raw labels, pct's closed forms
        // with precomputed labels), each against pc-core's float64 reference on the same arrays. pct must be
        // within 2e-4 relative everywhere (its contract, LossValuePrecisionTest). The naive composition is too
        // wherever float32 allows it; at tau 100 its KL is the difference of two sums near log C, which loses
        // about 1e-3 of the KL term and, in this case, about 1e-4 of the whole loss. How much depends on the
        // CPU's vector width (AVX2 and AVX-512 kernels sum in other orders), so it gets a bound of 1e-3.
        for (String distance : DISTANCES) {
            LossPathBenchmark.Batch batch = batch(32, 10);
            try {
                LossPathBenchmark.Implementations impls = implementations(batch, distance);
                LossImplementation.Prepared naive = impls.get(LossImplementation.NAIVE);
                LossImplementation.Prepared pct = impls.get(LossImplementation.PCT);
                double reference = new ReferenceLoss(LossPathBenchmark.focalDistillation(distance)).value(
                        rows(batch.newLogits.toFloatArray(), 10), rows(batch.oldLogits.toFloatArray(), 10),
                        Arrays.stream(batch.labels.toLongArray()).mapToInt(Math::toIntExact).toArray());
                float naiveValue = LossPathBenchmark.step(batch, naive.loss(), naive.labels());
                float pctValue = LossPathBenchmark.step(batch, pct.loss(), pct.labels());
                assertEquals(reference, pctValue, 2e-4 * Math.abs(reference), "pct " + distance);
                double naiveBound = distance.equals("kl_tau100") ? 1e-3 : 2e-4;
                assertEquals(reference, naiveValue, naiveBound * Math.abs(reference), "naive " + distance);
            } finally {
                batch.tearDownBatch();
            }
        }
    }

    private static double[][] rows(float[] values, int classes) {
        double[][] out = new double[values.length / classes][classes];
        for (int i = 0; i < values.length; i++) {
            out[i / classes][i % classes] = values[i];
        }
        return out;
    }

    @Test
    void interleavedRunsEachImplementationOncePerInvocationInEveryOrder() {
        LossPathBenchmark.Batch batch = batch(16, 5);
        try {
            LossPathBenchmark.Implementations impls = new LossPathBenchmark.Implementations();
            impls.distance = "kl_tau1";
            impls.setUpImplementations(batch);
            LossPathBenchmark.Timings timings = new LossPathBenchmark.Timings();
            timings.reset();
            LossPathBenchmark bench = new LossPathBenchmark();
            float sum = 0f;
            // Four implementations: 4! = 24 orders.
            for (int i = 0; i < 24; i++) {
                sum += bench.interleaved(batch, impls, timings);
            }
            assertTrue(Float.isFinite(sum) && sum > 0, "sum of losses " + sum);
            for (long calls : new long[] {timings.naiveCalls, timings.pctCalls, timings.pctTau1Calls,
                timings.crossEntropyCalls}) {
                assertEquals(24, calls);
            }
            // 24 invocations are one turn through the 24 orders: back at the first.
            assertEquals(0, impls.nextOrder);
            assertTrue(timings.naiveNanos > 0 && timings.pctNanos > 0 && timings.pctTau1Nanos > 0
                    && timings.crossEntropyNanos > 0, "every step took some time");
            timings.reset();
            assertEquals(0, timings.naiveNanos + timings.naiveCalls + timings.pctNanos
                    + timings.pctCalls + timings.pctTau1Nanos + timings.pctTau1Calls
                    + timings.crossEntropyNanos + timings.crossEntropyCalls);
        } finally {
            batch.tearDownBatch();
        }
    }

    @Test
    void ordersArePermutationsWithBalancedPositionsAndPredecessors() {
        LossImplementation[][] orders = LossPathBenchmark.permutations(LossImplementation.values());
        // 4 implementations: 4! = 24 orders.
        assertEquals(24, orders.length);
        int k = LossImplementation.values().length;
        int[][] position = new int[k][k];
        int[][] follows = new int[k][k];
        Set<String> distinct = new HashSet<>();
        for (LossImplementation[] order : orders) {
            distinct.add(Arrays.toString(order));
            for (int i = 0; i < k; i++) {
                position[order[i].ordinal()][i]++;
                if (i > 0) {
                    follows[order[i].ordinal()][order[i - 1].ordinal()]++;
                }
            }
        }
        assertEquals(24, distinct.size());
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                // 24 orders / 4 positions; a pair glued as one block leaves 3! = 6 orders of 3 blocks.
                assertEquals(6, position[a][b], "each implementation 6 times in each position");
                assertEquals(a == b ? 0 : 6, follows[a][b], "each pair adjacent 6 times each way");
            }
        }
    }

    @Test
    void counterFieldsAreNamedAsTheTableReadsThem() throws NoSuchFieldException {
        for (LossImplementation impl : LossImplementation.values()) {
            for (String name : new String[] {impl.nanosCounter(), impl.callsCounter()}) {
                Field f = LossPathBenchmark.Timings.class.getField(name);
                assertEquals(long.class, f.getType(), name);
            }
        }
    }

    private static LossPathBenchmark.Batch batch(int n, int c) {
        LossPathBenchmark.Batch batch = new LossPathBenchmark.Batch();
        batch.device = "cpu";
        batch.batchSize = n;
        batch.numClasses = c;
        batch.setUpBatch();
        return batch;
    }

    @Test
    void trainingStepLowersTheLossAndLeavesNoArrays() throws ReflectiveOperationException {
        for (String model : new String[] {"mlp", "cnn"}) {
            TrainingStepBenchmark bench = new TrainingStepBenchmark();
            bench.device = "cpu";
            bench.model = model;
            bench.loss = "focal_kl";
            bench.setUp();
            try {
                Field f = TrainingStepBenchmark.class.getDeclaredField("manager");
                f.setAccessible(true);
                NDManager manager = (NDManager) f.get(bench);
                float first = bench.trainingStep();
                int before = manager.getManagedArrays().size();
                float last = first;
                for (int i = 0; i < 10; i++) {
                    last = bench.trainingStep();
                }
                assertEquals(before, manager.getManagedArrays().size(), model + " leaked arrays");
                assertTrue(last < first, model + ": loss on a fixed batch must fall, " + first
                        + " -> " + last);
            } finally {
                bench.tearDown();
            }
        }
    }

    @Test
    void copyBenchmarksCopy() {
        CopyBandwidthBenchmark.HeapArrays heap = new CopyBandwidthBenchmark.HeapArrays();
        heap.setUp();
        assertEquals(heap.source.length - 1, new CopyBandwidthBenchmark().arraycopy(heap), 0f);
        CopyBandwidthBenchmark.EngineArray engine = new CopyBandwidthBenchmark.EngineArray();
        engine.device = "cpu";
        engine.setUp();
        try {
            float last = engine.source.getFloat(engine.source.size() - 1);
            assertEquals(last, new CopyBandwidthBenchmark().ndarrayDuplicate(engine), 0f);
        } finally {
            engine.tearDown();
        }
    }
}
