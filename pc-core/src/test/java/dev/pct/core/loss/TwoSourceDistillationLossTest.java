package dev.pct.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two-source distillation against the float64 {@link ReferenceLoss} written from the formula: {@code CE + lambda_1
 * mean w1 D1(z, o) + lambda_2 mean w2 D2(z, r)}, both weights read from the old logits' decisions, the second
 * distance taken to the reference logits. Tolerances as in {@link FocalDistillationLossTest} (2e-5 of the value;
 * gradients 2e-5 absolute plus 1e-4 relative against central differences in float64).
 */
class TwoSourceDistillationLossTest {

    private static final int N = 8;
    private static final int C = 5;

    private NDManager manager;
    private double[][] z;
    private double[][] o;
    private double[][] r;
    private int[] y;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        // Old right on even i; the reference right on i % 4 != 3; new right on i % 3 == 0.
        Random random = new Random(11);
        z = new double[N][C];
        o = new double[N][C];
        r = new double[N][C];
        y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = (i * 3 + 1) % C;
            for (int c = 0; c < C; c++) {
                z[i][c] = (float) random.nextGaussian();
                o[i][c] = (float) random.nextGaussian();
                r[i][c] = (float) random.nextGaussian();
            }
            o[i][i % 2 == 0 ? y[i] : (y[i] + 1) % C] += 4;
            r[i][i % 4 != 3 ? y[i] : (y[i] + 2) % C] += 3;
            z[i][i % 3 == 0 ? y[i] : (y[i] + 4) % C] += 2;
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static FocalDistillationLoss first(Distance d, float tau) {
        // KL at tau 1 with the old-correct filter takes the soft-target layout, which folds CE in.
        return FocalDistillationLoss.builder().optAlpha(0.5f).optBeta(3f).optLambda(0.7f).optTau(tau).optDistance(d)
                .build();
    }

    private static FocalDistillationLoss second(Distance d, float tau, SampleFilter f, ClassReduction reduction) {
        return FocalDistillationLoss.builder().optAlpha(f == SampleFilter.OLD_INCORRECT ? 0f : 0.25f).optBeta(1f)
                .optLambda(1.3f).optTau(tau).optDistance(d).optFilter(f).optClassReduction(reduction).optTopK(
                        d == Distance.LDI ? 3 : 0).build();
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        Object[][] firsts = {{Distance.KL, 1f}, {Distance.KL, 100f}, {Distance.LOGIT_MATCHING, 1f}, {Distance.LDI, 1f}};
        Object[][] seconds = {{Distance.KL, 1f}, {Distance.KL, 4f}, {Distance.LOGIT_MATCHING, 1f}, {Distance.LDI, 1f}};
        for (Object[] a : firsts) {
            for (Object[] b : seconds) {
                for (SampleFilter f : new SampleFilter[] {SampleFilter.OLD_INCORRECT, SampleFilter.ALL,
                        SampleFilter.NEGATIVE_FLIP}) {
                    all.add(Arguments.of(a[0], a[1], b[0], b[1], f));
                }
            }
        }
        return all.stream();
    }

    private NDArray array(double[][] v) {
        float[] flat = new float[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) {
            for (int c = 0; c < v[0].length; c++) {
                flat[i * v[0].length + c] = (float) v[i][c];
            }
        }
        return manager.create(flat, new Shape(v.length, v[0].length));
    }

    private NDArray classes() {
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            f[i] = y[i];
        }
        return manager.create(f);
    }

    /** The float64 value: CE + the first term toward o + the second toward r, both weighted by o's decisions. */
    private static double expected(ReferenceLoss one, ReferenceLoss two, double[][] z, double[][] o, double[][] r,
            int[] y) {
        return one.crossEntropy(z, y) + one.distillation(z, o, y, one.weights(z, o, y))
                + two.distillation(z, r, y, two.weights(z, o, y));
    }

    @ParameterizedTest(name = "first {0} tau={1}, second {2} tau={3} {4}")
    @MethodSource("configurations")
    void valueAndGradientMatchTheFloat64Formula(Distance d1, float tau1, Distance d2, float tau2, SampleFilter f) {
        TwoSourceDistillationLoss loss = TwoSourceDistillationLoss.of(first(d1, tau1),
                second(d2, tau2, f, ClassReduction.SUM));
        ReferenceLoss one = new ReferenceLoss(loss.getFirst());
        ReferenceLoss two = new ReferenceLoss(loss.getSecond());
        double value = expected(one, two, z, o, r, y);

        TwoSourceLabels labels = loss.teacherLabels(classes(), array(o), array(r), true);
        NDArray zArr = array(z);
        zArr.setRequiresGradient(true);
        LossParts parts;
        float[] grad;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            parts = loss.evaluateParts(labels, new NDList(zArr));
            collector.backward(parts.loss());
        }
        grad = zArr.getGradient().toFloatArray();
        assertEquals(value, parts.loss().getFloat(), 2e-5 * Math.max(1, Math.abs(value)), "value");
        double ce = one.crossEntropy(z, y);
        assertEquals(ce, parts.crossEntropy().getFloat(), 2e-5 * Math.max(1, ce), "cross-entropy part");
        assertEquals(value - ce, parts.distillation().getFloat(), 2e-5 * Math.max(1, Math.abs(value)),
                "distillation part: both terms");

        double eps = 1e-5;
        double[] w1 = one.weights(z, o, y);
        double[] w2 = two.weights(z, o, y);
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                double keep = z[i][c];
                z[i][c] = keep + eps;
                double up = one.crossEntropy(z, y) + one.distillation(z, o, y, w1) + two.distillation(z, r, y, w2);
                z[i][c] = keep - eps;
                double down = one.crossEntropy(z, y) + one.distillation(z, o, y, w1)
                        + two.distillation(z, r, y, w2);
                z[i][c] = keep;
                double e = (up - down) / (2 * eps);
                assertEquals(e, grad[i * C + c], 2e-5 + 1e-4 * Math.abs(e), "dL/dz[" + i + "][" + c + "]");
            }
        }
    }

    /**
     * With the old-incorrect filter, alpha 0 and beta 1 the second term counts only where the old model is wrong: on
     * a batch the old model gets right everywhere the loss is the first loss's alone, and where it is wrong
     * everywhere the first term is alpha-weighted only.
     */
    @Test
    void theSecondTermCountsOnlyWhereTheOldModelIsWrong() {
        TwoSourceDistillationLoss loss = TwoSourceDistillationLoss.of(first(Distance.KL, 1f),
                second(Distance.LOGIT_MATCHING, 1f, SampleFilter.OLD_INCORRECT, ClassReduction.SUM));
        double[][] right = new double[N][];
        for (int i = 0; i < N; i++) {
            right[i] = o[i].clone();
            right[i][y[i]] += 20;
        }
        NDList zList = new NDList(array(z));
        float both = loss.evaluate(loss.teacherLabels(classes(), array(right), array(r), true), zList).getFloat();
        float alone = loss.getFirst().evaluate(loss.getFirst().teacherLabels(classes(), array(right)), zList)
                .getFloat();
        assertEquals(alone, both, 1e-6 * Math.max(1, Math.abs(alone)), "old model right everywhere");
        // Where the old model is wrong on even samples only, the second term is 1.3 * sum_{i odd}... by hand:
        // the logit-matching term 1.3 * sum_{old wrong} ||z_i - r_i||^2 / (2N).
        double byHand = 0;
        for (int i = 0; i < N; i++) {
            if (ReferenceLoss.argMax(o[i]) != y[i]) {
                for (int c = 0; c < C; c++) {
                    byHand += (z[i][c] - r[i][c]) * (z[i][c] - r[i][c]);
                }
            }
        }
        byHand *= 1.3 / (2 * N);
        float mixed = loss.evaluate(loss.teacherLabels(classes(), array(o), array(r), true), zList).getFloat();
        float firstOnly = loss.getFirst().evaluate(loss.getFirst().teacherLabels(classes(), array(o)), zList)
                .getFloat();
        assertTrue(byHand > 0.1, "some old-wrong samples carry the second term");
        assertEquals(byHand, mixed - firstOnly, 2e-5 * Math.max(1, mixed), "the second term by hand");
    }

    /** The second loss never folds cross-entropy in, even where its own settings would take the soft target. */
    @Test
    void theSecondLossTakesTheGeneralLayout() {
        FocalDistillationLoss softSecond = FocalDistillationLoss.builder().optTau(1f).optFilter(SampleFilter.ALL)
                .build();
        TwoSourceDistillationLoss loss = TwoSourceDistillationLoss.of(first(Distance.KL, 1f), softSecond);
        TwoSourceLabels labels = loss.teacherLabels(classes(), array(o), array(r), true);
        assertInstanceOf(TeacherLabels.SoftTarget.class, labels.first(), "the first term may fold CE in");
        assertInstanceOf(TeacherLabels.General.class, labels.second(), "the second must not");
        assertEquals(labels.first().size() + labels.second().size(), labels.size(), "every array of both");
    }

    @Test
    void plainLabelsAndMismatchedShapesAreRefused() {
        TwoSourceDistillationLoss loss = TwoSourceDistillationLoss.of(first(Distance.KL, 1f),
                second(Distance.KL, 1f, SampleFilter.OLD_INCORRECT, ClassReduction.SUM));
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> loss.evaluate(new NDList(classes(), array(o)), new NDList(array(z))));
        assertTrue(plain.getMessage().contains("TwoSourceLabels"), plain.getMessage());
        double[][] narrow = new double[N][C - 1];
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> loss.teacherLabels(classes(), array(o), array(narrow), true));
        assertTrue(shape.getMessage().contains("secondLogits"), shape.getMessage());
    }

    /** The accumulators are the mean of the evaluated values, reused from the step's own evaluation. */
    @Test
    void accumulatorsAverageTheEvaluatedValues() {
        TwoSourceDistillationLoss loss = TwoSourceDistillationLoss.of(first(Distance.LOGIT_MATCHING, 1f),
                second(Distance.KL, 4f, SampleFilter.OLD_INCORRECT, ClassReduction.MEAN));
        loss.addAccumulator("train");
        double sum = 0;
        for (int step = 0; step < 2; step++) {
            double[][] shifted = new double[N][C];
            for (int i = 0; i < N; i++) {
                for (int c = 0; c < C; c++) {
                    shifted[i][c] = z[i][c] + step;
                }
            }
            NDList labels = loss.teacherLabels(classes(), array(o), array(r), true);
            NDList predictions = new NDList(array(shifted));
            sum += loss.evaluate(labels, predictions).getFloat();
            loss.updateAccumulators(new String[] {"train"}, labels, predictions);
        }
        assertEquals(sum / 2, loss.getAccumulator("train"), 1e-6 * Math.max(1, sum));
    }
}
