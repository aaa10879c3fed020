package dev.pct.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class PcOptimizerTest {
    private static final double[][] GRADS = {{0.5, -1.0}, {0.25, 2.0}, {-0.75, 0.5}, {1.0, 1.0}};
    private static final double[] W0 = {1.0, -2.0};
    private static final LearningRateSchedule LR =
            new LearningRateSchedule(LearningRateSchedule.Type.CONSTANT, 0.1, 0, 100, 1, 1, 0);

    /** Plain float64 versions of the PyTorch update rules, written out step by step. */
    private static double[] reference(PcOptimizer.Kind kind, double mu, double wd, int steps) {
        double[] w = W0.clone();
        double[] v = new double[2];
        double[] m = new double[2];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < 2; i++) {
                double g = GRADS[t][i] + wd * w[i];
                if (kind == PcOptimizer.Kind.ADAM) {
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mHat = m[i] / (1 - Math.pow(0.9, t + 1));
                    double vHat = v[i] / (1 - Math.pow(0.999, t + 1));
                    w[i] -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
                } else {
                    v[i] = t == 0 ? g : mu * v[i] + g;
                    double step = kind == PcOptimizer.Kind.NESTEROV ? g + mu * v[i] : v[i];
                    w[i] -= 0.1 * step;
                }
            }
        }
        return w;
    }

    private static PcOptimizer optimizer(NDManager manager, PcOptimizer.Kind kind, float mu, float wd) {
        return PcOptimizer.builder()
                .setKind(kind)
                .setSchedule(LR)
                .setStateManager(manager)
                .optMomentum(mu)
                .optL2WeightDecay(wd)
                .build();
    }

    private static void run(PcOptimizer opt, NDManager manager, NDArray w, int from, int to) {
        for (int t = from; t < to; t++) {
            try (NDArray g = manager.create(new float[] {(float) GRADS[t][0], (float) GRADS[t][1]})) {
                opt.update("w", w, g);
            }
            opt.nextStep();
        }
    }

    @Test
    void updatesMatchTheFloat64ReferenceForEveryKind() {
        Object[][] cases = {
            {PcOptimizer.Kind.SGD, 0f, 0f},
            {PcOptimizer.Kind.SGD, 0.9f, 0.01f},
            {PcOptimizer.Kind.NESTEROV, 0.9f, 0.01f},
            {PcOptimizer.Kind.ADAM, 0f, 0.01f},
        };
        for (Object[] c : cases) {
            PcOptimizer.Kind kind = (PcOptimizer.Kind) c[0];
            float mu = (float) c[1];
            float wd = (float) c[2];
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray w = manager.create(new float[] {(float) W0[0], (float) W0[1]});
                run(optimizer(manager, kind, mu, wd), manager, w, 0, 4);
                double[] expected = reference(kind, mu, wd, 4);
                float[] got = w.toFloatArray();
                // float32 state and weights of size ≤ 2 (ulp 2.4e-7) over 4 steps of a dozen ops each: ~1e-6 at
                // worst against float64; 1e-5 is margin.
                for (int i = 0; i < 2; i++) {
                    assertEquals(expected[i], got[i], 1e-5, kind + " mu=" + mu + " component " + i);
                }
            }
        }
    }

    @Test
    void exportedStateResumesExactly() {
        for (PcOptimizer.Kind kind : PcOptimizer.Kind.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray straight = manager.create(new float[] {(float) W0[0], (float) W0[1]});
                run(optimizer(manager, kind, 0.9f, 0.01f), manager, straight, 0, 4);

                NDArray resumed = manager.create(new float[] {(float) W0[0], (float) W0[1]});
                PcOptimizer first = optimizer(manager, kind, 0.9f, 0.01f);
                run(first, manager, resumed, 0, 2);
                NDList saved = first.exportState(manager, id -> id);
                byte[] bytes = saved.encode();
                PcOptimizer second = optimizer(manager, kind, 0.9f, 0.01f);
                second.importState(NDList.decode(manager, bytes), key -> key);
                assertEquals(2, second.getStep());
                run(second, manager, resumed, 2, 4);

                float[] a = straight.toFloatArray();
                float[] b = resumed.toFloatArray();
                // exact: the state travels as its float32 bytes and the same ops follow
                assertEquals(a[0], b[0], 0f, kind.toString());
                assertEquals(a[1], b[1], 0f, kind.toString());
            }
        }
    }

    @Test
    void badHyperparametersNameTheValue() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> optimizer(manager, PcOptimizer.Kind.SGD, 1.5f, 0f));
            assertEquals(true, e.getMessage().contains("1.5"), e.getMessage());
        }
    }
}
