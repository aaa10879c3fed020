package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * The benchmark bodies run outside JMH: they return a finite loss and leave no array behind in
 * the long-lived managers, so a long measurement does not grow memory.
 */
class BenchmarkStepTest {

    @Test
    void lossPathStepLeavesNoArrays() {
        for (String impl : new String[] {"naive", "pct"}) {
            for (String distance : new String[] {"kl_tau1", "kl_tau100", "lm"}) {
                LossPathBenchmark.Batch batch = new LossPathBenchmark.Batch();
                batch.device = "cpu";
                batch.batchSize = 32;
                batch.numClasses = 10;
                batch.setUpBatch();
                try {
                    LossPathBenchmark.FocalCase focal = new LossPathBenchmark.FocalCase();
                    focal.distance = distance;
                    focal.impl = impl;
                    focal.setUpCase(batch);
                    LossPathBenchmark.CrossEntropyCase ce = new LossPathBenchmark.CrossEntropyCase();
                    ce.setUpCase(batch);
                    LossPathBenchmark.step(batch, focal.loss, focal.lossLabels);
                    int before = batch.manager.getManagedArrays().size();
                    float value = LossPathBenchmark.step(batch, focal.loss, focal.lossLabels);
                    float ceValue = LossPathBenchmark.step(batch, ce.loss, ce.lossLabels);
                    assertTrue(Float.isFinite(value) && value > 0, impl + " " + distance);
                    assertTrue(value > ceValue, "distillation adds to cross-entropy");
                    assertEquals(before, batch.manager.getManagedArrays().size(),
                            impl + " " + distance + " leaked arrays");
                    assertEquals(DataType.FLOAT32, batch.newLogits.getDataType());
                    assertTrue(!batch.newLogits.hasGradient(), "the shared logits stay plain");
                } finally {
                    batch.tearDownBatch();
                }
            }
        }
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
