package dev.pct.train.interpolation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.util.Pair;
import dev.pct.train.data.DatasetBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parameter arithmetic of weight interpolation, against values worked out here: every parameter of the mix is
 * {@code (1 - a) old + a new} (exactly the old model's at a = 0 and the new model's at a = 1), a soup is the mean of
 * its members, other architectures are refused, and re-estimated batch-norm statistics are the average of the
 * per-batch means and unbiased variances of the layer's input, whatever the layer's momentum.
 */
class WeightInterpolationTest {
    private static final int FEATURES = 3;

    private static Block net(NDManager manager, int hidden, float momentum, long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        SequentialBlock block = new SequentialBlock()
                .add(BatchNorm.builder().optMomentum(momentum).build())
                .add(Linear.builder().setUnits(hidden).build());
        block.initialize(manager, DataType.FLOAT32, new Shape(2, FEATURES));
        // Statistics other than the initial 0 and 1, so that a mix of them is not trivially equal to either.
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                p.getValue().getArray().addi(manager.randomUniform(0.5f, 1.5f, p.getValue().getArray().getShape()));
            }
        }
        return block;
    }

    private static List<float[]> values(Block block) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @Test
    void theMixIsTheWeightedSumOfEveryParameterAndExactAtTheEnds() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block old = net(manager, 4, 0.9f, 1);
            Block newer = net(manager, 4, 0.9f, 2);
            Block target = net(manager, 4, 0.9f, 3);
            List<float[]> o = values(old);
            List<float[]> n = values(newer);
            WeightInterpolation.interpolate(target, old, newer, 0);
            List<float[]> atZero = values(target);
            WeightInterpolation.interpolate(target, old, newer, 1);
            List<float[]> atOne = values(target);
            WeightInterpolation.interpolate(target, old, newer, 0.25);
            List<float[]> quarter = values(target);
            for (int i = 0; i < o.size(); i++) {
                assertArrayEquals(o.get(i), atZero.get(i), "a = 0 is the old model, bit for bit");
                assertArrayEquals(n.get(i), atOne.get(i), "a = 1 is the new model, bit for bit");
                for (int k = 0; k < o.get(i).length; k++) {
                    double expected = 0.75 * o.get(i)[k] + 0.25 * n.get(i)[k];
                    assertEquals(expected, quarter.get(i)[k], 1e-6 * Math.max(1, Math.abs(expected)));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> WeightInterpolation.interpolate(target, old, newer,
                    1.5));
        }
    }

    @Test
    void aSoupIsTheMeanOfItsMembers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Block> members = List.of(net(manager, 4, 0.9f, 1), net(manager, 4, 0.9f, 2), net(manager, 4, 0.9f,
                    3));
            Block target = net(manager, 4, 0.9f, 4);
            WeightInterpolation.average(target, members);
            List<float[]> got = values(target);
            List<List<float[]>> each = members.stream().map(WeightInterpolationTest::values).toList();
            for (int i = 0; i < got.size(); i++) {
                for (int k = 0; k < got.get(i).length; k++) {
                    double mean = ((double) each.get(0).get(i)[k] + each.get(1).get(i)[k] + each.get(2).get(i)[k]) / 3;
                    assertEquals(mean, got.get(i)[k], 1e-6 * Math.max(1, Math.abs(mean)));
                }
            }
        }
    }

    @Test
    void anotherArchitectureIsRefusedNamingTheParameter() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block old = net(manager, 4, 0.9f, 1);
            Block wider = net(manager, 5, 0.9f, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WeightInterpolation.interpolate(net(manager, 4, 0.9f, 3), old, wider, 0.5));
            assertTrue(e.getMessage().contains("new model") && e.getMessage().contains("shape"), e.getMessage());
        }
    }

    @Test
    void batchNormStatisticsAreTheAverageOfThePerBatchStatistics() {
        int n = 40;
        int batch = 8;
        Random random = new Random(9);
        float[] x = new float[n * FEATURES];
        for (int i = 0; i < x.length; i++) {
            // Feature f has mean 2f and spread 1 + f, so the statistics differ per feature and from 0 and 1.
            int f = i % FEATURES;
            x[i] = (float) (2 * f + (1 + f) * random.nextGaussian());
        }
        List<int[]> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            int[] indices = new int[batch];
            for (int i = 0; i < batch; i++) {
                indices[i] = (b * 13 + i * 3) % n;
            }
            batches.add(indices);
        }
        // By hand: the mean over batches of each batch's mean and unbiased variance, per feature.
        double[] mean = new double[FEATURES];
        double[] variance = new double[FEATURES];
        for (int[] indices : batches) {
            for (int f = 0; f < FEATURES; f++) {
                double m = 0;
                for (int i : indices) {
                    m += x[i * FEATURES + f];
                }
                m /= batch;
                double v = 0;
                for (int i : indices) {
                    v += (x[i * FEATURES + f] - m) * (x[i * FEATURES + f] - m);
                }
                mean[f] += m / batches.size();
                variance[f] += v / (batch - 1) / batches.size();
            }
        }
        for (float momentum : new float[] {0.9f, 0.5f}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                ArrayDataset set = new ArrayDataset.Builder().setData(manager.create(x, new Shape(n, FEATURES)))
                        .optLabels(manager.zeros(new Shape(n))).setSampling(batch, false).build();
                Block block = net(manager, 2, momentum, 5);
                assertEquals(1, WeightInterpolation.reestimateBatchNorm(block, DatasetBatches.of(set, 2, manager),
                        batches, manager));
                float[] runningMean = null;
                float[] runningVar = null;
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN) {
                        runningMean = p.getValue().getArray().toFloatArray();
                    } else if (p.getValue().getType() == Parameter.Type.RUNNING_VAR) {
                        runningVar = p.getValue().getArray().toFloatArray();
                    }
                }
                for (int f = 0; f < FEATURES; f++) {
                    assertEquals(mean[f], runningMean[f], 1e-4 * Math.max(1, Math.abs(mean[f])),
                            "momentum " + momentum + " mean of feature " + f);
                    assertEquals(variance[f], runningVar[f], 1e-4 * Math.max(1, variance[f]),
                            "momentum " + momentum + " variance of feature " + f);
                }
            }
        }
    }
}
