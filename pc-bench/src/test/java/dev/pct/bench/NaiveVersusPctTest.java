package dev.pct.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The naive composition and the closed-form loss compute the same loss and gradient: both are held
 * against a float64 reference written from the formulas, and against each other.
 */
class NaiveVersusPctTest {

    private static final float ALPHA = 1f;
    private static final float BETA = 5f;
    private static final float LAMBDA = 0.7f;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> cases = Stream.builder();
        int[][] shapes = {{1, 2}, {7, 5}, {64, 10}, {33, 100}, {16, 1000}};
        for (int[] shape : shapes) {
            cases.add(Arguments.of(shape[0], shape[1], Distance.KL, 1f));
            cases.add(Arguments.of(shape[0], shape[1], Distance.KL, 100f));
            cases.add(Arguments.of(shape[0], shape[1], Distance.LOGIT_MATCHING, 1f));
        }
        return cases.build();
    }

    /** One random batch in float32, and its float64 copy for the reference. */
    private record Batch(float[] z, int[] y, float[] o, int n, int c) {

        static Batch random(int n, int c, long seed) {
            Random random = new Random(seed);
            float[] z = new float[n * c];
            float[] o = new float[n * c];
            int[] y = new int[n];
            for (int i = 0; i < n * c; i++) {
                z[i] = (float) (2 * random.nextGaussian());
                o[i] = z[i] + (float) random.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                y[i] = random.nextInt(c);
                // Make half of the samples old-correct so both focal weights are exercised.
                if (i % 2 == 0) {
                    o[i * c + y[i]] += 10f;
                }
            }
            return new Batch(z, y, o, n, c);
        }

        double[][] rows(float[] flat) {
            double[][] out = new double[n][c];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < c; k++) {
                    out[i][k] = flat[i * c + k];
                }
            }
            return out;
        }
    }

    /** Loss value and gradient from one DJL evaluation with autograd. */
    private record Result(float loss, float[] gradient) {}

    private static Result run(Loss loss, NDList labels, NDArray z) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            z.setRequiresGradient(true);
            NDArray value = loss.evaluate(labels, new NDList(z));
            assertEquals(0, value.getShape().dimension(), "loss must be a scalar");
            collector.backward(value);
            return new Result(value.getFloat(), z.getGradient().toFloatArray());
        }
    }

    @ParameterizedTest(name = "N={0} C={1} {2} tau={3}")
    @MethodSource("cases")
    void naiveAndPctMatchTheFloat64Reference(int n, int c, Distance distance, float tau) {
        Batch b = Batch.random(n, c, 31L * n + c);
        FocalDistillationReference.Value reference = FocalDistillationReference.evaluate(
                b.rows(b.z()), b.y(), b.rows(b.o()), ALPHA, BETA, tau, LAMBDA,
                distance == Distance.KL);
        // float32 bound: the KL at tau 100 is tau^2 times a difference of log-probabilities that
        // differ only in the 4th digit, so its rounding error is amplified by up to ~1e4 * 1e-7.
        double lossTolerance = (tau > 1f ? 2e-3 : 2e-5) * Math.max(1.0, Math.abs(reference.loss()));
        // The KL gradient lambda * w * tau * (p_T - q_T) / N multiplies the float32 rounding of a
        // probability (~1.2e-7) by lambda * w * tau / N; allow four such units on top of 1e-6
        // relative.
        double gradTolerance = 4 * 1.2e-7 * LAMBDA * (ALPHA + BETA) * tau / n
                + 1e-6 * maxAbs(reference.gradient());

        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray y = manager.create(toLong(b.y()));
            NDArray o = manager.create(b.o(), new Shape(n, c));
            FocalDistillationLoss pct = FocalDistillationLoss.builder().optAlpha(ALPHA)
                    .optBeta(BETA).optTau(tau).optLambda(LAMBDA).optDistance(distance)
                    .optFilter(SampleFilter.OLD_CORRECT).optClassReduction(ClassReduction.SUM)
                    .build();
            NaiveFocalDistillation naive = new NaiveFocalDistillation(pct);

            Result naiveResult = run(naive, new NDList(y, o), manager.create(b.z(), new Shape(n, c)));
            Result pctRaw = run(pct, new NDList(y, o), manager.create(b.z(), new Shape(n, c)));
            Result pctTeacher = run(pct, pct.teacherLabels(y, o),
                    manager.create(b.z(), new Shape(n, c)));

            for (Result r : new Result[] {naiveResult, pctRaw, pctTeacher}) {
                assertEquals(reference.loss(), r.loss(), lossTolerance, "loss");
                assertGradient(reference.gradient(), r.gradient(), gradTolerance);
            }
            assertEquals(naiveResult.loss(), pctTeacher.loss(), lossTolerance, "naive vs pct");
        }
    }

    @Test
    void referenceGradientMatchesCentralDifferences() {
        // The closed-form gradient of the reference is itself checked against the loss it derives.
        Batch b = Batch.random(4, 6, 7L);
        for (boolean kl : new boolean[] {true, false}) {
            for (double tau : new double[] {1, 3}) {
                double[][] z = b.rows(b.z());
                double[][] o = b.rows(b.o());
                double[][] grad = FocalDistillationReference.evaluate(
                        z, b.y(), o, ALPHA, BETA, tau, LAMBDA, kl).gradient();
                double h = 1e-6;
                for (int i = 0; i < z.length; i++) {
                    for (int k = 0; k < z[0].length; k++) {
                        double keep = z[i][k];
                        z[i][k] = keep + h;
                        double up = FocalDistillationReference.evaluate(
                                z, b.y(), o, ALPHA, BETA, tau, LAMBDA, kl).loss();
                        z[i][k] = keep - h;
                        double down = FocalDistillationReference.evaluate(
                                z, b.y(), o, ALPHA, BETA, tau, LAMBDA, kl).loss();
                        z[i][k] = keep;
                        assertEquals((up - down) / (2 * h), grad[i][k], 1e-7,
                                "d/dz[" + i + "][" + k + "] kl=" + kl + " tau=" + tau);
                    }
                }
            }
        }
    }

    @Test
    void handComputedTwoClassCase() {
        // N=1, C=2, z=(0,0), y=0, o=(1,0): old correct, w = 1 + 5 = 6, lambda 0.7, LM.
        // CE = log 2; D = 1/2 * (1 + 0) = 0.5; L = log 2 + 0.7 * 6 * 0.5 = 0.693147 + 2.1.
        // dL/dz = (0.5 - 1, 0.5) + 0.7 * 6 * (0 - 1, 0 - 0) = (-4.7, 0.5).
        try (NDManager manager = NDManager.newBaseManager()) {
            NaiveFocalDistillation naive = new NaiveFocalDistillation(FocalDistillationLoss.builder()
                    .optAlpha(ALPHA).optBeta(BETA).optLambda(LAMBDA).optDistance(Distance.LOGIT_MATCHING)
                    .build());
            Result r = run(naive,
                    new NDList(manager.create(new long[] {0}), manager.create(new float[][] {{1, 0}})),
                    manager.create(new float[][] {{0, 0}}));
            assertEquals(Math.log(2) + 2.1, r.loss(), 1e-6);
            assertEquals(-4.7f, r.gradient()[0], 1e-6f);
            assertEquals(0.5f, r.gradient()[1], 1e-6f);
        }
    }

    @Test
    void yardstickRejectsConfigurationsItDoesNotCompose() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new NaiveFocalDistillation(
                        FocalDistillationLoss.builder().optFilter(SampleFilter.ALL).build()));
        assertTrue(e.getMessage().contains("ALL"), e.getMessage());
        IllegalArgumentException topK = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new NaiveFocalDistillation(
                        FocalDistillationLoss.builder().optDistance(Distance.LDI).optTopK(3).build()));
        assertTrue(topK.getMessage().contains("top k 3"), topK.getMessage());
    }

    private static void assertGradient(double[][] expected, float[] actual, double tolerance) {
        int c = expected[0].length;
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < c; k++) {
                assertEquals(expected[i][k], actual[i * c + k], tolerance,
                        "gradient[" + i + "][" + k + "]");
            }
        }
    }

    private static double maxAbs(double[][] a) {
        double max = 0;
        for (double[] row : a) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
