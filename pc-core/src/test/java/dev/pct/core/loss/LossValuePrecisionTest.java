package dev.pct.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loss value against a float64 reference on random cases. At large tau the KL between two
 * near-uniform distributions is a small difference of two sums close to {@code -log C}; formed that way
 * in float32 it was off by up to 4e-4 of the value at tau 100 (1e-2 of a single sample's KL). The
 * tolerance here is 2e-4 of the value, and 2e-4 of the distillation part alone, which carries the error.
 */
class LossValuePrecisionTest {

    private static final double RELATIVE = 2e-4;

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (float tau : new float[] {1f, 4f, 100f}) {
            for (int classes : new int[] {2, 10, 1000}) {
                for (double scale : new double[] {0.3, 1, 3, 10}) {
                    for (boolean precomputed : new boolean[] {false, true}) {
                        all.add(Arguments.of(tau, classes, scale, precomputed));
                    }
                }
            }
        }
        // Large KL at tau > 1, where the precise form would overflow and the direct form is kept.
        all.add(Arguments.of(2f, 10, 100.0, true));
        all.add(Arguments.of(1.5f, 1000, 60.0, false));
        return all.stream();
    }

    @ParameterizedTest(name = "tau={0} C={1} logit scale={2} precomputed={3}")
    @MethodSource("cases")
    void valueAndDistillationPartAreWithin2e4OfFloat64(float tau, int classes, double scale, boolean precomputed) {
        int n = 64;
        Random random = new Random(31L * classes + (long) (scale * 7) + (long) tau);
        double[][] z = new double[n][classes];
        double[][] o = new double[n][classes];
        int[] y = new int[n];
        float[] zFlat = new float[n * classes];
        float[] oFlat = new float[n * classes];
        float[] yFloat = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(classes);
            yFloat[i] = y[i];
            for (int c = 0; c < classes; c++) {
                // Old logits correlated with the new ones, as for two models of the same data.
                float zc = (float) (random.nextGaussian() * scale);
                float oc = (float) (zc + random.nextGaussian() * scale);
                zFlat[i * classes + c] = zc;
                oFlat[i * classes + c] = oc;
                z[i][c] = zc;
                o[i][c] = oc;
            }
        }
        FocalDistillationLoss loss = FocalDistillationLoss.builder()
                .optAlpha(0.5f)
                .optBeta(3f)
                .optLambda(0.7f)
                .optTau(tau)
                .build();
        ReferenceLoss reference = new ReferenceLoss(loss);
        double expectedDistillation = reference.distillation(z, o, y, reference.weights(z, o, y));
        double expected = reference.crossEntropy(z, y) + expectedDistillation;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray yArr = manager.create(yFloat);
            NDArray oArr = manager.create(oFlat, new Shape(n, classes));
            NDList labels = precomputed ? loss.teacherLabels(yArr, oArr) : new NDList(yArr, oArr);
            LossParts parts = loss.evaluateParts(labels, new NDList(manager.create(zFlat, new Shape(n, classes))));
            float value = parts.loss().getFloat();
            float distillation = parts.distillation().getFloat();
            assertTrue(Float.isFinite(value), "value " + value);
            assertEquals(expected, value, RELATIVE * Math.abs(expected), "loss value");
            assertEquals(expectedDistillation, distillation, RELATIVE * Math.abs(expectedDistillation),
                    "distillation part");
        }
    }
}
