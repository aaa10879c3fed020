package dev.pct.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
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
 * Tolerances. Values: float32 loss against the float64 {@link ReferenceLoss} on the same float32-rounded inputs;
 * float32 rounding (2^-24 ≈ 6e-8 relative) over sums of N·C = 30 terms and a log-softmax per row is ~2e-6 of the
 * value, so 2e-5 · max(1, |value|) ({@link #tolerance}) is a tenfold margin. Gradients: the reference's central
 * differences in float64 with h = 1e-5 are good to ~1e-9 (truncation h^2/6 · f''' ≈ 1e-11, rounding eps · |L| / h
 * ≈ 1e-9 for |L| of a few tens); the float32 autograd gradient {@code lambda w tau (pT - q) / N} loses about an
 * ulp of 0.2 (1.5e-8) in {@code pT - q}, times {@code lambda w tau / N} ≈ 40 at tau 100: ~1e-6, hence 2e-5 absolute
 * plus 1e-4 relative. Comparisons with 0f are the same float32 ops on the same inputs (or an exact 0/1 count).
 */
class FocalDistillationLossTest {

    private static final int N = 6;
    private static final int C = 5;

    private NDManager manager;
    private double[][] z;
    private double[][] o;
    private int[] y;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        // Samples with clear arg-max decisions: old right on even i, new right on i % 3 == 0,
        // so every filter selects a proper, non-empty subset (negative flips: i = 2, 4).
        Random random = new Random(42);
        z = new double[N][C];
        o = new double[N][C];
        y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = (i * 2 + 1) % C;
            for (int c = 0; c < C; c++) {
                z[i][c] = random.nextGaussian();
                o[i][c] = random.nextGaussian();
            }
            o[i][i % 2 == 0 ? y[i] : (y[i] + 1) % C] += 4;
            z[i][i % 3 == 0 ? y[i] : (y[i] + 2) % C] += 4;
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (Distance d : Distance.values()) {
            for (SampleFilter f : SampleFilter.values()) {
                for (float tau : new float[] {1f, 4f, 100f}) {
                    for (ClassReduction r : ClassReduction.values()) {
                        if (d != Distance.KL && tau != 1f) {
                            continue; // tau enters neither logit matching nor LDI
                        }
                        all.add(Arguments.of(d, f, tau, r));
                    }
                }
            }
        }
        return all.stream();
    }

    private static FocalDistillationLoss loss(
            Distance d, SampleFilter f, float tau, ClassReduction r) {
        return FocalDistillationLoss.builder()
                .optAlpha(0.5f)
                .optBeta(3f)
                .optLambda(0.7f)
                .optTau(tau)
                .optDistance(d)
                .optFilter(f)
                .optClassReduction(r)
                .build();
    }

    private NDArray array(double[][] v) {
        float[] flat = new float[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) {
            for (int c = 0; c < v[0].length; c++) {
                flat[i * v[0].length + c] = (float) v[i][c];
            }
        }
        return manager.create(flat, new ai.djl.ndarray.types.Shape(v.length, v[0].length));
    }

    private NDArray labels(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return manager.create(f);
    }

    /** The logits as float32 and back, so the reference sees the inputs the loss sees. */
    private static double[][] roundToFloat(double[][] v) {
        double[][] out = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            out[i] = new double[v[i].length];
            for (int c = 0; c < v[i].length; c++) {
                out[i][c] = (float) v[i][c];
            }
        }
        return out;
    }

    private static double tolerance(double expected, float tau) {
        // The value is formed from logit differences at tau > 1 (see the class doc), so it stays
        // within float32 rounding of the inputs at every tau.
        return 2e-5 * Math.max(1, Math.abs(expected));
    }

    @ParameterizedTest(name = "{0} {1} tau={2} {3}")
    @MethodSource("configurations")
    void valueMatchesFloat64ReferenceInBothLabelForms(
            Distance d, SampleFilter f, float tau, ClassReduction r) {
        FocalDistillationLoss loss = loss(d, f, tau, r);
        double expected = new ReferenceLoss(loss).value(roundToFloat(z), roundToFloat(o), y);

        NDArray zArr = array(z);
        NDArray yArr = labels(y);
        NDArray oArr = array(o);
        float raw = loss.evaluate(new NDList(yArr, oArr), new NDList(zArr)).getFloat();
        float pre = loss.evaluate(loss.teacherLabels(yArr, oArr), new NDList(zArr)).getFloat();

        assertEquals(expected, raw, tolerance(expected, tau), "raw labels");
        assertEquals(expected, pre, tolerance(expected, tau), "precomputed labels");
        // Two float32 forms of one value (at KL tau 1 the soft-target one): a few ulps (1.2e-7 relative) apart.
        assertEquals(raw, pre, 1e-6 * Math.max(1, Math.abs(raw)), "raw vs precomputed");
    }

    @ParameterizedTest(name = "{0} {1} tau={2} {3}")
    @MethodSource("configurations")
    void autogradGradientMatchesFiniteDifferences(
            Distance d, SampleFilter f, float tau, ClassReduction r) {
        FocalDistillationLoss loss = loss(d, f, tau, r);
        double[][] expected =
                new ReferenceLoss(loss).numericGradient(roundToFloat(z), roundToFloat(o), y, 1e-5);

        NDArray zArr = array(z);
        NDList labels = loss.teacherLabels(labels(y), array(o));
        float[] grad = gradient(loss, labels, zArr);

        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                double e = expected[i][c];
                assertEquals(e, grad[i * C + c], 2e-5 + 1e-4 * Math.abs(e), "dL/dz[" + i + "][" + c + "]");
            }
        }
    }

    /**
     * With a reference other than the old model (an ensemble's logits), the distance is taken to the
     * reference and the weights follow the old model's decisions: the float64 reference computes the
     * weights from the old logits and the distance to the reference logits, in value and gradient.
     */
    @ParameterizedTest(name = "{0} {1} tau={2} {3}")
    @MethodSource("configurations")
    void referenceLogitsWithTheOldModelsMaskMatchFloat64Reference(
            Distance d, SampleFilter f, float tau, ClassReduction r) {
        FocalDistillationLoss loss = loss(d, f, tau, r);
        ReferenceLoss ref = new ReferenceLoss(loss);
        // The reference is right where the old model is wrong and the other way round, so a mask
        // derived from the reference would flip every weight.
        double[][] reference = new double[N][C];
        int[] mask = new int[N];
        Random random = new Random(7);
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                reference[i][c] = random.nextGaussian();
            }
            reference[i][ReferenceLoss.argMax(o[i]) == y[i] ? (y[i] + 3) % C : y[i]] += 4;
            mask[i] = ReferenceLoss.argMax(o[i]) == y[i] ? 1 : 0;
        }
        double[][] zr = roundToFloat(z);
        double[][] rr = roundToFloat(reference);
        double[] w = ref.weights(zr, roundToFloat(o), y);
        double expected = ref.crossEntropy(zr, y) + ref.distillation(zr, rr, y, w);

        NDList labels = loss.teacherLabels(labels(y), array(reference), manager.create(mask), true);
        NDArray zArr = array(z);
        float value = loss.evaluate(labels, new NDList(zArr)).getFloat();
        assertEquals(expected, value, tolerance(expected, tau), "value");

        double[][] numeric = new double[N][C];
        double eps = 1e-5;
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                double keep = zr[i][c];
                zr[i][c] = keep + eps;
                double up = ref.crossEntropy(zr, y) + ref.distillation(zr, rr, y, w);
                zr[i][c] = keep - eps;
                double down = ref.crossEntropy(zr, y) + ref.distillation(zr, rr, y, w);
                zr[i][c] = keep;
                numeric[i][c] = (up - down) / (2 * eps);
            }
        }
        float[] grad = gradient(loss, labels, zArr);
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                double e = numeric[i][c];
                assertEquals(e, grad[i * C + c], 2e-5 + 1e-4 * Math.abs(e), "dL/dz[" + i + "][" + c + "]");
            }
        }
        // Without the mask the reference's own decisions set the weights: a different value wherever
        // beta counts.
        if (f != SampleFilter.ALL && f != SampleFilter.NEW_INCORRECT) {
            float own = loss.evaluate(loss.teacherLabels(labels(y), array(reference)), new NDList(array(z))).getFloat();
            double ownExpected = ref.crossEntropy(zr, y) + ref.distillation(zr, rr, y, ref.weights(zr, rr, y));
            assertEquals(ownExpected, own, tolerance(ownExpected, tau), "reference's own mask");
            // Both values hold to 2e-5 · max(1, |v|): a difference above 1e-3 is the mask, not rounding.
            assertNotEquals(value, own, 1e-3, "the mask must change the weights");
        }
    }

    @Test
    void aMaskOfTheWrongLengthIsRejected() {
        FocalDistillationLoss loss = loss(Distance.KL, SampleFilter.OLD_CORRECT, 1f, ClassReduction.SUM);
        assertMessage(() -> loss.teacherLabels(labels(y), array(o), manager.create(new int[N - 1]), true),
                "oldCorrect", "(" + N + ")");
    }

    private static float[] gradient(FocalDistillationLoss loss, NDList labels, NDArray zArr) {
        zArr.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss.evaluate(labels, new NDList(zArr));
            collector.backward(value);
        }
        float[] grad = zArr.getGradient().toFloatArray();
        zArr.setRequiresGradient(false);
        return grad;
    }

    static Stream<Arguments> softTargetConfigurations() {
        List<Arguments> all = new ArrayList<>();
        for (SampleFilter f : new SampleFilter[] {SampleFilter.OLD_CORRECT, SampleFilter.ALL}) {
            for (ClassReduction r : ClassReduction.values()) {
                all.add(Arguments.of(f, r));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("softTargetConfigurations")
    void softTargetLayoutAtTauOneMatchesReferenceInValuePartsAndGradient(
            SampleFilter f, ClassReduction r) {
        FocalDistillationLoss loss = loss(Distance.KL, f, 1f, r);
        ReferenceLoss ref = new ReferenceLoss(loss);
        double[][] zr = roundToFloat(z);
        double[][] or = roundToFloat(o);
        double[] w = ref.weights(zr, or, y);
        NDList labels = loss.teacherLabels(labels(y), array(o));

        // The documented layout: [y (N, 1) int64, e_y + a_i q_i, a_i * sum_c q log q].
        assertEquals(3, labels.size(), "soft-target layout");
        assertEquals(DataType.INT64, labels.get(0).getDataType());
        assertEquals(new ai.djl.ndarray.types.Shape(N, 1), labels.get(0).getShape());
        float[] target = labels.get(1).toFloatArray();
        float[] constant = labels.get(2).toFloatArray();
        double s = ref.lambda * (r == ClassReduction.MEAN ? 1.0 / C : 1.0);
        for (int i = 0; i < N; i++) {
            double[] logQ = ReferenceLoss.logSoftmax(or[i], 1);
            double selfTerm = 0;
            for (int c = 0; c < C; c++) {
                double q = Math.exp(logQ[c]);
                double expected = (c == y[i] ? 1 : 0) + s * w[i] * q;
                // float32 exp of a log-softmax, one product and a sum: a few ulps; 1e-5 relative is margin.
                assertEquals(expected, target[i * C + c], 1e-5 * Math.max(1, expected), "t[" + i + "][" + c + "]");
                selfTerm += q * logQ[c];
            }
            // |s w sum q log q| <= 0.7 · 3.5 · log 5 ≈ 4: float32 over 5 terms ~1e-6 absolute; 1e-5 is margin.
            assertEquals(s * w[i] * selfTerm, constant[i], 1e-5, "k[" + i + "]");
        }

        NDArray zArr = array(z);
        LossParts parts = loss.evaluateParts(labels, new NDList(zArr));
        float value = parts.loss().getFloat();
        double expected = ref.value(zr, or, y);
        assertEquals(expected, value, tolerance(expected, 1f), "value");
        assertEquals(value, loss.evaluate(labels, new NDList(zArr)).getFloat(), 0f, "evaluate");
        // The parts are a few nats each (four of six rows put +4 on a wrong class): float32 ~1e-6; 1e-5 is margin.
        assertEquals(ref.crossEntropy(zr, y), parts.crossEntropy().getFloat(), 1e-5, "cross-entropy part");
        assertEquals(ref.distillation(zr, or, y, w), parts.distillation().getFloat(), 1e-5, "distillation part");

        double[][] expectedGrad = ref.numericGradient(zr, or, y, 1e-5);
        float[] grad = gradient(loss, labels, array(z));
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                double e = expectedGrad[i][c];
                assertEquals(e, grad[i * C + c], 2e-5 + 1e-4 * Math.abs(e), "dL/dz[" + i + "][" + c + "]");
            }
        }
    }

    @Test
    void softTargetLabelsRebuiltWithoutTheirNameStillWork() {
        // As a cache in host memory gives them back: same values, no name, y as stored.
        FocalDistillationLoss loss = loss(Distance.KL, SampleFilter.OLD_CORRECT, 1f, ClassReduction.SUM);
        NDList made = loss.teacherLabels(labels(y), array(o));
        NDList rebuilt = new NDList();
        for (NDArray array : made) {
            rebuilt.add(manager.create(array.toType(DataType.FLOAT32, false).toFloatArray(), array.getShape()));
        }
        assertEquals(null, rebuilt.get(1).getName());
        double expected = new ReferenceLoss(loss).value(roundToFloat(z), roundToFloat(o), y);
        float actual = loss.evaluate(loss.restoreLabels(rebuilt), new NDList(array(z))).getFloat();
        assertEquals(expected, actual, tolerance(expected, 1f));
    }

    @Test
    void labelsOfADifferentlyConfiguredLossAreRejected() {
        FocalDistillationLoss mine = loss(Distance.KL, SampleFilter.OLD_CORRECT, 1f, ClassReduction.SUM);
        NDArray yArr = labels(y);
        NDList predictions = new NDList(array(z));

        // Soft targets bake in lambda, alpha, beta, filter and reduction: any difference is caught.
        FocalDistillationLoss otherLambda =
                FocalDistillationLoss.builder().optTau(1f).optAlpha(0.5f).optBeta(3f).optLambda(2f).build();
        assertMessage(
                () -> mine.evaluate(otherLambda.teacherLabels(yArr, array(o)), predictions),
                "labels[1]",
                "lambda=2.0",
                "lambda=0.7",
                "teacherLabels");
        FocalDistillationLoss mean = loss(Distance.KL, SampleFilter.OLD_CORRECT, 1f, ClassReduction.MEAN);
        assertMessage(
                () -> mine.evaluate(mean.teacherLabels(yArr, array(o)), predictions),
                "classReduction=MEAN",
                "classReduction=SUM");
        FocalDistillationLoss all = loss(Distance.KL, SampleFilter.ALL, 1f, ClassReduction.SUM);
        assertMessage(
                () -> mine.evaluate(all.teacherLabels(yArr, array(o)), predictions),
                "filter=ALL",
                "filter=OLD_CORRECT");

        // A loss without the soft-target layout never reads three arrays, named or not.
        FocalDistillationLoss tau4 = loss(Distance.KL, SampleFilter.OLD_CORRECT, 4f, ClassReduction.SUM);
        NDList soft = mine.teacherLabels(yArr, array(o));
        assertMessage(() -> tau4.evaluate(soft, predictions), "soft-target", "lambda=0.7", "tau=4.0");
        soft.get(1).setName(null);
        assertMessage(() -> tau4.evaluate(soft, predictions), "soft-target", "tau=4.0");

        // The general layout's target depends on distance and tau only.
        FocalDistillationLoss tau100 = loss(Distance.KL, SampleFilter.OLD_CORRECT, 100f, ClassReduction.SUM);
        assertMessage(
                () -> tau100.evaluate(tau4.teacherLabels(yArr, array(o)), predictions), "tau=4.0", "tau=100.0");
        FocalDistillationLoss logits = loss(Distance.LOGIT_MATCHING, SampleFilter.OLD_CORRECT, 1f, ClassReduction.SUM);
        assertMessage(
                () -> logits.evaluate(tau4.teacherLabels(yArr, array(o)), predictions),
                "distance=KL",
                "distance=LOGIT_MATCHING");
    }

    @Test
    void generalLabelsOfTheSameDistanceAndTauAreAcceptedByASoftTargetLoss() {
        // NEGATIVE_FLIP needs the new model's arg-max, so its labels keep the general layout; their
        // target o / tau serves any KL loss at the same tau.
        FocalDistillationLoss general = loss(Distance.KL, SampleFilter.NEGATIVE_FLIP, 1f, ClassReduction.SUM);
        NDList generalLabels = general.teacherLabels(labels(y), array(o));
        assertEquals(3, generalLabels.size());
        assertEquals(new ai.djl.ndarray.types.Shape(N, C), generalLabels.get(1).getShape());
        FocalDistillationLoss soft = loss(Distance.KL, SampleFilter.OLD_CORRECT, 1f, ClassReduction.SUM);
        double expected = new ReferenceLoss(soft).value(roundToFloat(z), roundToFloat(o), y);
        float actual = soft.evaluate(generalLabels, new NDList(array(z))).getFloat();
        assertEquals(expected, actual, tolerance(expected, 1f));
    }

    @Test
    void softTargetEvaluationLeavesOnlyResultAndPartsInThePredictionsManager() {
        FocalDistillationLoss loss = loss(Distance.KL, SampleFilter.OLD_CORRECT, 1f, ClassReduction.SUM);
        assertOnlyResultsStay(loss);
    }

    /** evaluate leaves the loss alone in the predictions' manager, evaluateParts the loss and its parts. */
    private void assertOnlyResultsStay(FocalDistillationLoss loss) {
        // Separate base managers: a parent's getManagedArrays also lists its sub-managers' arrays.
        try (NDManager batch = NDManager.newBaseManager()) {
            NDArray zArr = batch.create(array(z).toFloatArray(), new ai.djl.ndarray.types.Shape(N, C));
            NDList labels = loss.teacherLabels(labels(y), array(o));
            int labelArrays = manager.getManagedArrays().size();
            int before = batch.getManagedArrays().size();
            NDArray value = loss.evaluate(labels, new NDList(zArr));
            assertEquals(value.getManager(), batch);
            assertEquals(before + 1, batch.getManagedArrays().size(), "the loss alone");
            LossParts parts = loss.evaluateParts(labels, new NDList(zArr));
            assertEquals(parts.crossEntropy().getManager(), batch);
            assertEquals(before + 4, batch.getManagedArrays().size(), "then the loss and its two parts");
            assertEquals(labelArrays, manager.getManagedArrays().size(), "nothing in the labels' manager");
        }
    }

    @Test
    void returnedValueEqualsTotalPartExactlyAndPartsAddUp() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optTau(4f).build();
        ReferenceLoss ref = new ReferenceLoss(loss);
        NDArray zArr = array(z);
        NDList labels = new NDList(labels(y), array(o));
        NDArray value = loss.evaluate(labels, new NDList(zArr));
        LossParts parts = loss.evaluateParts(labels, new NDList(zArr));

        assertEquals(parts.loss().getFloat(), value.getFloat(), 0f);
        assertEquals(0, value.getShape().dimension(), "scalar");
        assertEquals(value.getManager(), zArr.getManager(), "owned by the predictions' manager");
        double[][] zr = roundToFloat(z);
        double[][] or = roundToFloat(o);
        // float32 parts against float64: a few nats of cross-entropy, 1e-5; the distillation is larger (tau^2 = 16,
        // weights up to alpha + beta = 6), 1e-4. The loss is the float32 sum of the two parts, as below: exact in
        // IEEE arithmetic, 1e-5 is slack.
        assertEquals(ref.crossEntropy(zr, y), parts.crossEntropy().getFloat(), 1e-5);
        assertEquals(
                ref.distillation(zr, or, y, ref.weights(zr, or, y)),
                parts.distillation().getFloat(),
                1e-4);
        assertEquals(
                parts.crossEntropy().getFloat() + parts.distillation().getFloat(),
                parts.loss().getFloat(),
                1e-5);
    }

    @Test
    void raisingOneSampleWeightChangesOnlyThatGradientRow() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optTau(4f).build();
        NDList labels = loss.teacherLabels(labels(y), array(o));
        int flipped = 1; // old model wrong on odd samples: mask 0, weight alpha
        float[] mask = labels.get(2).toFloatArray();
        assertEquals(0f, mask[flipped]);
        mask[flipped] = 1f;
        NDList raised = loss.restoreLabels(new NDList(labels.get(0), labels.get(1), manager.create(mask)));

        float[] before = gradient(loss, labels, array(z));
        float[] after = gradient(loss, raised, array(z));
        for (int i = 0; i < N; i++) {
            double rowChange = 0;
            for (int c = 0; c < C; c++) {
                rowChange = Math.max(rowChange, Math.abs(after[i * C + c] - before[i * C + c]));
            }
            if (i == flipped) {
                assertTrue(rowChange > 1e-3, "row " + i + " changed by " + rowChange);
            } else {
                // Other rows go through the same per-row float32 ops with unchanged weights: equal to the bit;
                // 1e-7 is under an ulp for entries near 1.
                assertEquals(0, rowChange, 1e-7, "row " + i);
            }
        }
    }

    @Test
    void weightsMultiplyPerSampleNotMeanTimesMean() {
        FocalDistillationLoss loss =
                FocalDistillationLoss.builder().optTau(1f).optDistance(Distance.LOGIT_MATCHING).build();
        ReferenceLoss ref = new ReferenceLoss(loss);
        double[][] zr = roundToFloat(z);
        double[][] or = roundToFloat(o);
        double[] w = ref.weights(zr, or, y);
        double meanW = 0;
        double meanD = 0;
        for (int i = 0; i < N; i++) {
            meanW += w[i] / N;
            meanD += ref.distance(zr[i], or[i]) / N;
        }
        double correct = ref.distillation(zr, or, y, w);
        double bug = ref.lambda * meanW * meanD;
        assertTrue(Math.abs(correct - bug) > 0.05 * Math.abs(correct), "case must separate them");

        float actual =
                loss.evaluateParts(new NDList(labels(y), array(o)), new NDList(array(z))).distillation().getFloat();
        // A sum of 30 non-negative float32 squares (no cancellation): ~30 · 6e-8 relative at worst; 1e-4 is margin.
        assertEquals(correct, actual, 1e-4 * Math.abs(correct));
    }

    @Test
    void noSampleOldCorrectAndAllOldCorrect() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optTau(4f).build();
        ReferenceLoss ref = new ReferenceLoss(loss);
        double[][] zr = roundToFloat(z);
        for (boolean allRight : new boolean[] {false, true}) {
            int[] labelsCase = new int[N];
            for (int i = 0; i < N; i++) {
                int oldArgMax = ReferenceLoss.argMax(o[i]);
                labelsCase[i] = allRight ? oldArgMax : (oldArgMax + 1) % C;
            }
            NDList labels = loss.teacherLabels(labels(labelsCase), array(o));
            float sumMask = labels.get(2).sum().getFloat();
            assertEquals(allRight ? N : 0, sumMask, 0f); // exact: a count of 0/1 floats
            double expected = ref.value(zr, roundToFloat(o), labelsCase);
            float actual = loss.evaluate(labels, new NDList(array(z))).getFloat();
            // float32 against float64; the value includes a cross-entropy > 0, so the relative bound is never 0.
            assertEquals(expected, actual, 1e-4 * Math.abs(expected), "allRight=" + allRight);
        }
    }

    @Test
    void lambdaZeroIsPlainCrossEntropy() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optLambda(0f).build();
        NDArray zArr = array(z);
        NDArray yArr = labels(y);
        float expected =
                Loss.softmaxCrossEntropyLoss().evaluate(new NDList(yArr), new NDList(zArr)).getFloat();
        LossParts parts = loss.evaluateParts(new NDList(yArr, array(o)), new NDList(zArr));
        // Two float32 log-softmax-and-mean implementations of a cross-entropy of about 3 nats (ulp 2.4e-7): a few
        // ulps. The distillation of lambda 0 is a zerosLike: exact.
        assertEquals(expected, parts.loss().getFloat(), 1e-6);
        assertEquals(expected, parts.crossEntropy().getFloat(), 1e-6);
        assertEquals(0f, parts.distillation().getFloat());
    }

    @Test
    void integerLabelsOfShapeNx1AreAccepted() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optTau(4f).build();
        NDArray zArr = array(z);
        float fromFloat = loss.evaluate(new NDList(labels(y), array(o)), new NDList(zArr)).getFloat();
        NDArray intLabels = manager.create(y).reshape(N, 1);
        assertEquals(DataType.INT32, intLabels.getDataType());
        float fromInt = loss.evaluate(new NDList(intLabels, array(o)), new NDList(zArr)).getFloat();
        float fromPre =
                loss.evaluate(loss.teacherLabels(intLabels, array(o)), new NDList(zArr)).getFloat();
        // Integer labels only change the gather's index type: the same float32 ops, exact. The precomputed target
        // o * (1/tau) is the same float32 product formed earlier: equal in practice, 1e-6 is about an ulp of slack.
        assertEquals(fromFloat, fromInt, 0f);
        assertEquals(fromFloat, fromPre, 1e-6);
    }

    @Test
    void badInputsNameTheProblem() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().build();
        NDList good = new NDList(labels(y), array(o));
        NDArray wideZ = manager.zeros(new ai.djl.ndarray.types.Shape(N, C + 1));
        assertMessage(
                () -> loss.evaluate(good, new NDList(wideZ)), "old logits", "(6, 5)", "(6, 6)");
        assertMessage(
                () -> loss.evaluate(good, new NDList(manager.zeros(new ai.djl.ndarray.types.Shape(N * C)))),
                "rank 2",
                "(30)");
        assertMessage(
                () -> loss.evaluate(new NDList(manager.zeros(new ai.djl.ndarray.types.Shape(N - 1)), array(o)),
                        new NDList(array(z))),
                "labels[0]",
                "(5)");
        int[] outOfRange = y.clone();
        outOfRange[3] = C;
        assertMessage(
                () -> loss.evaluate(new NDList(labels(outOfRange), array(o)), new NDList(array(z))),
                "[0, 5)",
                "5.0");
        assertMessage(() -> loss.teacherLabels(labels(outOfRange), array(o)), "[0, 5)", "sample 3");
        int[] negative = y.clone();
        negative[0] = -1;
        assertMessage(() -> loss.teacherLabels(labels(negative), array(o)), "[0, 5)", "-1");
        NDList pre = loss.teacherLabels(labels(y), array(o));
        NDList shortMask = loss.restoreLabels(
                new NDList(pre.get(0), pre.get(1), manager.zeros(new ai.djl.ndarray.types.Shape(N - 2))));
        assertMessage(() -> loss.evaluate(shortMask, new NDList(array(z))), "old-correct", "(4)");
        assertMessage(() -> loss.evaluate(new NDList(labels(y)), new NDList(array(z))), "1 arrays");
        NDList fourArrays = new NDList(pre.get(0), pre.get(1), pre.get(2), pre.get(2));
        assertMessage(() -> loss.evaluate(fourArrays, new NDList(array(z))), "4 arrays", "teacherLabels");

        assertMessage(() -> FocalDistillationLoss.builder().optTau(0f).build(), "tau", "> 0", "0.0");
        assertMessage(() -> FocalDistillationLoss.builder().optTau(-2f).build(), "tau", "-2.0");
        assertMessage(() -> FocalDistillationLoss.builder().optAlpha(-1f).build(), "alpha", ">= 0");
        assertMessage(() -> FocalDistillationLoss.builder().optBeta(-0.5f).build(), "beta", "-0.5");
        assertMessage(() -> FocalDistillationLoss.builder().optLambda(-1f).build(), "lambda");
        assertMessage(
                () -> FocalDistillationLoss.builder().optLambda(Float.NaN).build(), "lambda", "NaN");
        assertMessage(
                () -> FocalDistillationLoss.builder().optBeta(Float.POSITIVE_INFINITY).build(),
                "beta",
                "finite");
    }

    @Test
    void theBuilderListsEveryInvalidOptionAtOnceAndThrowsTheFirst() {
        FocalDistillationLoss.Builder builder = FocalDistillationLoss.builder().optAlpha(-1f).optTau(0f)
                .optPower(0.5f).optTopK(-2).optMargin(0.25f);
        List<OptionProblem> problems = builder.problems();
        assertEquals(List.of("alpha", "tau", "power", "topK"), problems.stream().map(OptionProblem::option).toList());
        assertEquals(List.of(-1f, 0f, 0.5f, -2), problems.stream().map(OptionProblem::value).toList());
        assertEquals("alpha: expected a number >= 0, got -1.0", problems.get(0).message());
        assertEquals("topK: expected an integer >= 0 (0 = every class), got -2", problems.get(3).message());
        assertMessage(builder::build, "alpha: expected a number >= 0, got -1.0");
        assertTrue(FocalDistillationLoss.builder().problems().isEmpty(), "the defaults are valid");
        assertEquals("a finite number > 0",
                FocalDistillationLoss.builder().optTau(Float.POSITIVE_INFINITY).problems().get(0).expected());
    }

    private static void assertMessage(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String fragment : fragments) {
            assertTrue(
                    e.getMessage().contains(fragment),
                    "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        }
    }

    @Test
    void updateAccumulatorsReusesTheLastEvaluation() {
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optTau(4f).build();
        loss.addAccumulator("train");
        NDArray zArr = array(z);
        NDList predictions = new NDList(zArr);
        NDList labels = loss.teacherLabels(labels(y), array(o));
        float evaluated = loss.evaluate(labels, predictions).getFloat();

        // Change the logits in place: evaluating again now gives another value, reuse does not.
        double[][] shifted = new double[N][C];
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                shifted[i][c] = z[i][c] * 0.5 + (c == y[i] ? 1 : 0);
            }
        }
        zArr.set(array(shifted).toFloatArray());
        float reevaluated =
                loss.evaluate(labels, new NDList(zArr.duplicate())).getFloat();
        assertTrue(Math.abs(reevaluated - evaluated) > 1e-2, "the test must separate the cases");
        // The duplicate evaluation above is the most recent; the original is still remembered.

        loss.updateAccumulators(new String[] {"train"}, labels, predictions);
        assertEquals(evaluated, loss.getAccumulator("train"), 0f); // exact: the stored float, divided by count 1

        // Other predictions (not evaluated before) are evaluated: mean over the two updates.
        NDList other = new NDList(array(shifted));
        loss.updateAccumulators(new String[] {"train"}, labels, other);
        // The accumulator is the same float sum over the count 2; 1e-6 only absorbs a last-bit difference.
        assertEquals((evaluated + reevaluated) / 2, loss.getAccumulator("train"), 1e-6);

        loss.resetAccumulator("train");
        assertTrue(Float.isNaN(loss.getAccumulator("train")));
        assertThrows(IllegalArgumentException.class, () -> loss.getAccumulator("missing"));
    }

    @Test
    void evaluateLeavesOnlyResultAndPartsInThePredictionsManager() {
        for (float tau : new float[] {1f, 4f, 100f}) {
            assertOnlyResultsStay(FocalDistillationLoss.builder().optTau(tau).build());
        }
        assertOnlyResultsStay(FocalDistillationLoss.builder().optDistance(Distance.LOGIT_MATCHING).build());
        assertOnlyResultsStay(FocalDistillationLoss.builder().optFilter(SampleFilter.NEGATIVE_FLIP).build());
    }
}
