package dev.pct.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * Logit difference inhibition ({@link Distance#LDI}): hand-worked values, a float64 reference in value
 * and gradient, the per-sample top-k, the precomputed labels and their names, and the builder's checks.
 *
 * <p>Tolerances. float32 values against float64 ones on the same float32 inputs: rounding (2^-24 ≈ 6e-8 relative)
 * over sums of N·C = 30 terms is ~2e-6 of the value, so 2e-5 · max(1, |value|) is a tenfold margin. The reference
 * gradient is central differences in float64 with h = 1e-6, with every |z - r| at least 1e-2 from a kink (so no
 * kink within h): truncation h^2/6 · f''' ≤ 1e-12 · 375 / 6 (power 1.5 at 1e-2) ≈ 6e-11, rounding eps · |L| / h
 * ≈ 2e-9 for |L| of order 10; the float32 autograd gradient, of order 1, is good to ~1e-6, hence 2e-5 + 1e-4 · |e|.
 * Raw against precomputed labels: the same float32 ops on class weights formed once in teacherLabels and once in
 * evaluate, equal to the bit in practice; 1e-6 (1e-7 on gradients) allows an ulp or two at these magnitudes.
 */
class LdiLossTest {

    private static final int N = 6;
    private static final int C = 5;
    private static final float MARGIN = 0.5f;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static FocalDistillationLoss.Builder ldi() {
        return FocalDistillationLoss.builder().optDistance(Distance.LDI);
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

    private NDArray labels(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return manager.create(f);
    }

    private static float[] gradient(FocalDistillationLoss loss, NDList labels, NDArray zArr) {
        zArr.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(loss.evaluate(labels, new NDList(zArr)));
        }
        float[] grad = zArr.getGradient().toFloatArray();
        zArr.setRequiresGradient(false);
        return grad;
    }

    // ---- 1. hand-worked values ----

    /*
     * N = 2, C = 4, margin 0.5, alpha 1, beta 1, filter old_correct, lambda 1.
     *
     *   z = [[1.0,  2.0, 0.0, -1.0],      r = [[2.0, 1.0, 0.2, -1.0],      y = [0, 1]
     *        [0.25, 0.0, 3.0,  1.0]]           [0.0, 1.5, 2.0,  1.2]]
     *
     * argmax r = [0, 2]: the old model is right on sample 0 only, so w = [2, 1].
     * |z - r|          = [[1, 1, 0.2, 0],   [0.25, 1.5, 1, 0.2]]
     * h = max(. - 0.5, 0) = [[0.5, 0.5, 0, 0], [0, 1, 0.5, 0]]
     *
     * distillation = lambda * (w0 d0 + w1 d1) / N = (2 d0 + d1) / 2
     *
     * a) p 1, all classes, mean:  d0 = (0.5 + 0.5) / 4 = 0.25,  d1 = (1 + 0.5) / 4 = 0.375
     *    -> (0.5 + 0.375) / 2 = 0.4375
     * b) p 2, all classes, mean:  d0 = (0.25 + 0.25) / 4 = 0.125,  d1 = (1 + 0.25) / 4 = 0.3125
     *    -> (0.25 + 0.3125) / 2 = 0.28125
     * c) p 2, all classes, sum:   d0 = 0.5,  d1 = 1.25  -> (1 + 1.25) / 2 = 1.125
     * d) p 1, top 2, mean: the top 2 of r per row are {0, 1} and {2, 1}:
     *    d0 = (0.5 + 0.5) / 2 = 0.5,  d1 = (1 + 0.5) / 2 = 0.75  -> (1 + 0.75) / 2 = 0.875
     * e) p 2, true class excluded, mean: rows keep {1, 2, 3} and {0, 2, 3}:
     *    d0 = 0.25 / 3,  d1 = 0.25 / 3  -> (0.5/3 + 0.25/3) / 2 = 0.125
     * f) p 1, true class excluded, top 2, mean: the top 2 of {1, 2, 3} in row 0 are {1, 2} (r 1.0, 0.2),
     *    of {0, 2, 3} in row 1 are {2, 3} (r 2.0, 1.2):
     *    d0 = (0.5 + 0) / 2 = 0.25,  d1 = (0.5 + 0) / 2 = 0.25  -> (0.5 + 0.25) / 2 = 0.375
     * g) p 1, top 2, sum: d0 = 1, d1 = 1.5 -> (2 + 1.5) / 2 = 1.75
     */
    private static final double[][] HAND_Z = {{1.0, 2.0, 0.0, -1.0}, {0.25, 0.0, 3.0, 1.0}};
    private static final double[][] HAND_R = {{2.0, 1.0, 0.2, -1.0}, {0.0, 1.5, 2.0, 1.2}};
    private static final int[] HAND_Y = {0, 1};

    static Stream<Arguments> handWorked() {
        return Stream.of(
                Arguments.of("a: p 1, all, mean", 1f, 0, false, ClassReduction.MEAN, 0.4375),
                Arguments.of("b: p 2, all, mean", 2f, 0, false, ClassReduction.MEAN, 0.28125),
                Arguments.of("c: p 2, all, sum", 2f, 0, false, ClassReduction.SUM, 1.125),
                Arguments.of("d: p 1, top 2, mean", 1f, 2, false, ClassReduction.MEAN, 0.875),
                Arguments.of("e: p 2, no true class, mean", 2f, 0, true, ClassReduction.MEAN, 0.125),
                Arguments.of("f: p 1, no true class, top 2, mean", 1f, 2, true, ClassReduction.MEAN, 0.375),
                Arguments.of("g: p 1, top 2, sum", 1f, 2, false, ClassReduction.SUM, 1.75));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handWorked")
    void handWorkedExample(String name, float power, int topK, boolean exclude, ClassReduction reduction,
            double expected) {
        FocalDistillationLoss loss = ldi()
                .optMargin(MARGIN).optPower(power).optTopK(topK).optExcludeTrueClass(exclude)
                .optClassReduction(reduction)
                .optAlpha(1f).optBeta(1f).optLambda(1f).optFilter(SampleFilter.OLD_CORRECT)
                .build();
        NDArray zArr = array(HAND_Z);
        NDArray yArr = labels(HAND_Y);
        float crossEntropy =
                Loss.softmaxCrossEntropyLoss().evaluate(new NDList(yArr), new NDList(zArr)).getFloat();
        for (NDList labels : List.of(new NDList(yArr, array(HAND_R)), loss.teacherLabels(yArr, array(HAND_R)))) {
            LossParts parts = loss.evaluateParts(labels, new NDList(zArr));
            // Values below 2 (ulp ≤ 2.4e-7) from a few float32 ops on small dyadic inputs: 1e-6 is a few ulps. The
            // cross-entropy (≈ 2.3) is two float32 implementations of one formula, also a few ulps; the loss adds
            // the two in float32, against their sum in double: 1e-5.
            assertEquals(expected, parts.distillation().getFloat(), 1e-6, "distillation, " + labels.size() + " arrays");
            assertEquals(crossEntropy, parts.crossEntropy().getFloat(), 1e-6, "cross-entropy");
            assertEquals(crossEntropy + expected, parts.loss().getFloat(), 1e-5, "loss");
        }
    }

    // ---- 2. float64 reference, value and gradient ----

    private record Inputs(double[][] z, double[][] o, int[] y) {}

    /**
     * Random logits with clear arg-max decisions (every filter selects a proper subset), distinct
     * reference values per row, and no difference within 1e-3 of a kink ({@code |z - r| = margin}
     * or {@code z = r}).
     */
    private static Inputs inputs(long seed, double margin) {
        Random random = new Random(seed);
        double[][] z = new double[N][C];
        double[][] o = new double[N][C];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = (i * 2 + 1) % C;
            for (int c = 0; c < C; c++) {
                z[i][c] = random.nextGaussian();
                o[i][c] = random.nextGaussian();
            }
            o[i][i % 2 == 0 ? y[i] : (y[i] + 1) % C] += 4;
            z[i][i % 3 == 0 ? y[i] : (y[i] + 2) % C] += 4;
            for (int c = 0; c < C; c++) {
                z[i][c] = (float) z[i][c];
                o[i][c] = (float) o[i][c];
                double d = Math.abs(z[i][c] - o[i][c]);
                while (Math.abs(d - margin) < 1e-2 || d < 1e-2) {
                    z[i][c] = (float) (z[i][c] + 0.05);
                    d = Math.abs(z[i][c] - o[i][c]);
                }
            }
        }
        return new Inputs(z, o, y);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> all = new ArrayList<>();
        for (float margin : new float[] {0f, MARGIN}) {
            for (float power : new float[] {1f, 2f, 1.5f}) {
                for (int topK : new int[] {0, 2}) {
                    for (boolean exclude : new boolean[] {false, true}) {
                        for (SampleFilter f : SampleFilter.values()) {
                            for (ClassReduction r : ClassReduction.values()) {
                                all.add(Arguments.of(margin, power, topK, exclude, f, r));
                            }
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    private static FocalDistillationLoss loss(float margin, float power, int topK, boolean exclude,
            SampleFilter f, ClassReduction r) {
        return ldi().optMargin(margin).optPower(power).optTopK(topK).optExcludeTrueClass(exclude)
                .optFilter(f).optClassReduction(r).optAlpha(0.5f).optBeta(3f).optLambda(0.7f).build();
    }

    @ParameterizedTest(name = "margin={0} p={1} topK={2} excludeTrue={3} {4} {5}")
    @MethodSource("configurations")
    void valueMatchesFloat64ReferenceInBothLabelForms(float margin, float power, int topK, boolean exclude,
            SampleFilter f, ClassReduction r) {
        FocalDistillationLoss loss = loss(margin, power, topK, exclude, f, r);
        Inputs in = inputs(42, margin);
        ReferenceLoss ref = new ReferenceLoss(loss);
        double expected = ref.value(in.z(), in.o(), in.y());
        double expectedDistillation = ref.distillation(in.z(), in.o(), in.y(), ref.weights(in.z(), in.o(), in.y()));
        assertTrue(expectedDistillation > 0.01, "the case must have a distillation term: " + expectedDistillation);

        NDArray zArr = array(in.z());
        NDArray yArr = labels(in.y());
        NDArray oArr = array(in.o());
        LossParts raw = loss.evaluateParts(new NDList(yArr, oArr), new NDList(zArr));
        LossParts pre = loss.evaluateParts(loss.teacherLabels(yArr, oArr), new NDList(zArr));

        double tolerance = 2e-5 * Math.max(1, Math.abs(expected)); // float32 against float64: see the class doc
        assertEquals(expected, raw.loss().getFloat(), tolerance, "raw labels");
        assertEquals(expected, pre.loss().getFloat(), tolerance, "precomputed labels");
        assertEquals(expectedDistillation, raw.distillation().getFloat(), tolerance, "distillation part");
        assertEquals(raw.loss().getFloat(), pre.loss().getFloat(), 1e-6 * Math.max(1, Math.abs(expected)),
                "raw vs precomputed");
    }

    @ParameterizedTest(name = "margin={0} p={1} topK={2} excludeTrue={3} {4} {5}")
    @MethodSource("configurations")
    void autogradGradientMatchesFiniteDifferences(float margin, float power, int topK, boolean exclude,
            SampleFilter f, ClassReduction r) {
        FocalDistillationLoss loss = loss(margin, power, topK, exclude, f, r);
        Inputs in = inputs(43, margin);
        double[][] expected = new ReferenceLoss(loss).numericGradient(in.z(), in.o(), in.y(), 1e-6);

        float[] grad = gradient(loss, loss.teacherLabels(labels(in.y()), array(in.o())), array(in.z()));
        float[] rawGrad = gradient(loss, new NDList(labels(in.y()), array(in.o())), array(in.z()));
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                double e = expected[i][c];
                assertEquals(e, grad[i * C + c], 2e-5 + 1e-4 * Math.abs(e), "dL/dz[" + i + "][" + c + "]");
                assertEquals(grad[i * C + c], rawGrad[i * C + c], 1e-6,
                        "raw vs precomputed dL/dz[" + i + "][" + c + "]");
            }
        }
    }

    // ---- 3. top k per sample, over classes ----

    @Test
    void topKSelectsTheLargestReferenceClassesOfEachRow() {
        // Each row's top 2 of r: {0, 1}, {3, 4}, {2, 4}. A top 2 over samples (per class column) would
        // pick e.g. rows 0 and 2 of column 0, so class 0 of row 2 would count.
        double[][] r = {
            {5.0, 4.0, 0.0, 1.0, 2.0},
            {0.0, 1.0, 2.0, 5.0, 4.0},
            {1.0, 0.0, 5.0, 2.0, 4.5}
        };
        boolean[][] selected = {
            {true, true, false, false, false},
            {false, false, false, true, true},
            {false, false, true, false, true}
        };
        int[] y = {0, 3, 2};
        int n = r.length;
        int c = r[0].length;
        // Differences of 1 + 0.5 (c + 1), with alternating signs: every class has a hinge above 0.
        double[][] z = new double[n][c];
        double[][] hinge = new double[n][c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                double d = 1 + 0.5 * (k + 1);
                z[i][k] = r[i][k] + ((i + k) % 2 == 0 ? d : -d);
                hinge[i][k] = d - MARGIN;
            }
        }
        FocalDistillationLoss loss = ldi().optMargin(MARGIN).optPower(1f).optTopK(2)
                .optClassReduction(ClassReduction.MEAN).optFilter(SampleFilter.ALL)
                .optAlpha(1f).optBeta(0f).optLambda(1f).build();
        FocalDistillationLoss crossEntropyOnly = ldi().optLambda(0f).build();

        // Value: lambda * mean_i (1/2) sum over the row's own top 2.
        double expected = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                expected += selected[i][k] ? hinge[i][k] / 2 / n : 0;
            }
        }
        NDList labels = loss.teacherLabels(labels(y), array(r));
        float[] classWeights = labels.get(2).toFloatArray();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                // exact: 1/|S| = 1/2 and 0 are exact in float32
                assertEquals(selected[i][k] ? 0.5f : 0f, classWeights[i * c + k], 0f,
                        "class weight [" + i + "][" + k + "]");
            }
        }
        for (NDList form : List.of(labels, new NDList(labels(y), array(r)))) {
            float actual = loss.evaluateParts(form, new NDList(array(z))).distillation().getFloat();
            // Dyadic hinges (exact in float32) summed and divided by 2 and 3: a value of a few, a few ulps off.
            assertEquals(expected, actual, 1e-6, "distillation over each row's top 2");

            // Gradient of the distillation term: the gradient minus that of cross-entropy alone.
            float[] all = gradient(loss, form, array(z));
            float[] ce = gradient(crossEntropyOnly, new NDList(labels(y), array(r)), array(z));
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < c; k++) {
                    float distillationGrad = all[i * c + k] - ce[i * c + k];
                    if (selected[i][k]) {
                        // lambda * w * (1/|S|) * sign(z - r) / N
                        double e = ((i + k) % 2 == 0 ? 1 : -1) * 0.5 / n;
                        // A difference of two float32 gradients below 1/3 in size: ulps of 3e-8; 1e-6 is margin.
                        assertEquals(e, distillationGrad, 1e-6, "selected dL/dz[" + i + "][" + k + "]");
                    } else {
                        // exact: a class weight of 0 adds exactly 0 to the same cross-entropy gradient
                        assertEquals(0f, distillationGrad, 0f, "unselected dL/dz[" + i + "][" + k + "]");
                    }
                }
            }
        }
    }

    @Test
    void classesTiedWithTheKthLargestAreAllSelected() {
        // Row 0: top 2 of [3, 2, 2, 0, 1] is 3 and one of the two 2s; the tie rule takes both, |S| = 3.
        // Row 1: distinct values, |S| = 2. Row 2 (true class 0 excluded): the top 2 of [., 1, 1, 1, 0]
        // is a three-way tie at 1, |S| = 3.
        double[][] r = {{3, 2, 2, 0, 1}, {0, 1, 4, 3, 2}, {9, 1, 1, 1, 0}};
        int[] y = {4, 0, 0};
        float third = 1f / 3;
        float[][] expectedMean = {{third, third, third, 0, 0}, {0, 0, 0.5f, 0.5f, 0}, {0, third, third, third, 0}};
        for (ClassReduction reduction : ClassReduction.values()) {
            FocalDistillationLoss loss = ldi().optTopK(2).optExcludeTrueClass(true).optMargin(MARGIN)
                    .optClassReduction(reduction).build();
            float[] weights = loss.teacherLabels(labels(y), array(r)).get(2).toFloatArray();
            for (int i = 0; i < r.length; i++) {
                for (int k = 0; k < C; k++) {
                    float e = expectedMean[i][k] == 0 ? 0 : reduction == ClassReduction.MEAN ? expectedMean[i][k] : 1;
                    // 1/3, 1/2 in float32 against the literals: an ulp at most (3e-8 at 1/3); 1e-7 is margin.
                    assertEquals(e, weights[i * C + k], 1e-7, reduction + " weight [" + i + "][" + k + "]");
                }
            }
            // The float64 reference states the same rule; values agree with it.
            double[][] z = new double[r.length][C];
            for (int i = 0; i < r.length; i++) {
                for (int k = 0; k < C; k++) {
                    z[i][k] = r[i][k] + 1.25 * (k % 2 == 0 ? 1 : -1);
                }
            }
            double expected = new ReferenceLoss(loss).value(z, r, y);
            float actual = loss.evaluate(new NDList(labels(y), array(r)), new NDList(array(z))).getFloat();
            // float32 against float64 on inputs exact in float32: see the class doc
            assertEquals(expected, actual, 2e-5 * Math.max(1, expected), reduction.toString());
        }
    }

    @Test
    void topKOfCOrMoreCandidatesIsEveryCandidate() {
        Inputs in = inputs(7, MARGIN);
        for (boolean exclude : new boolean[] {false, true}) {
            FocalDistillationLoss all = ldi().optMargin(MARGIN).optExcludeTrueClass(exclude)
                    .optClassReduction(ClassReduction.MEAN).build();
            for (int k : exclude ? new int[] {C - 1, C} : new int[] {C}) {
                FocalDistillationLoss top = ldi().optMargin(MARGIN).optTopK(k).optExcludeTrueClass(exclude)
                        .optClassReduction(ClassReduction.MEAN).build();
                float[] weights = top.teacherLabels(labels(in.y()), array(in.o())).get(2).toFloatArray();
                for (int i = 0; i < N; i++) {
                    for (int c = 0; c < C; c++) {
                        boolean member = !(exclude && c == in.y()[i]);
                        // 1/4 is exact, 1/5 within an ulp (1.5e-8) in float32: 1e-7 is margin. The value below uses
                        // the same class set and ops as the untruncated loss: equal in practice, 1e-6 an ulp or two.
                        assertEquals(member ? 1f / (exclude ? C - 1 : C) : 0f, weights[i * C + c], 1e-7,
                                "k=" + k + " excludeTrue=" + exclude + " [" + i + "][" + c + "]");
                    }
                }
                NDList raw = new NDList(labels(in.y()), array(in.o()));
                assertEquals(all.evaluate(raw, new NDList(array(in.z()))).getFloat(),
                        top.evaluate(raw, new NDList(array(in.z()))).getFloat(), 1e-6, "k=" + k);
            }
        }
    }

    // ---- 4. precomputed labels ----

    @Test
    void precomputedLabelsOwnTheirArraysAndGiveTheRawPathsValueAndGradient() {
        Inputs in = inputs(11, MARGIN);
        FocalDistillationLoss loss = loss(MARGIN, 2f, 3, true, SampleFilter.NEGATIVE_FLIP, ClassReduction.MEAN);
        NDList pre;
        try (NDManager inputs = manager.newSubManager()) {
            NDArray yArr = inputs.create(in.y()); // int32 labels
            NDArray oArr = array(in.o());
            oArr.attach(inputs);
            pre = loss.teacherLabels(yArr, oArr);
            pre.attach(manager);
        }
        // The inputs are closed: the labels must not have been views of them.
        assertEquals(4, pre.size(), "the LDI layout");
        assertEquals(DataType.INT64, pre.get(0).getDataType());
        assertEquals(new Shape(N), pre.get(0).getShape());
        assertEquals(new Shape(N, C), pre.get(1).getShape());
        assertEquals(new Shape(N, C), pre.get(2).getShape());
        assertEquals(new Shape(N), pre.get(3).getShape());
        float[] reference = pre.get(1).toFloatArray();
        for (int i = 0; i < N; i++) {
            for (int c = 0; c < C; c++) {
                assertEquals((float) in.o()[i][c], reference[i * C + c], 0f); // exact: a float32 copy
            }
        }
        NDList raw = new NDList(labels(in.y()), array(in.o()));
        float rawValue = loss.evaluate(raw, new NDList(array(in.z()))).getFloat();
        float preValue = loss.evaluate(pre, new NDList(array(in.z()))).getFloat();
        assertEquals(rawValue, preValue, 1e-6); // the same ops on the same weights: see the class doc
        float[] rawGrad = gradient(loss, raw, array(in.z()));
        float[] preGrad = gradient(loss, pre, array(in.z()));
        for (int k = 0; k < rawGrad.length; k++) {
            assertEquals(rawGrad[k], preGrad[k], 1e-7, "gradient " + k);
        }

        // Rebuilt from host memory (no names), as a cache gives them back.
        NDList rebuilt = new NDList();
        for (NDArray array : pre) {
            rebuilt.add(manager.create(array.toType(DataType.FLOAT32, false).toFloatArray(), array.getShape()));
        }
        // The same float32 values rebuilt: the same ops, equal in practice; 1e-6 as above.
        assertEquals(preValue, loss.evaluate(loss.restoreLabels(rebuilt), new NDList(array(in.z()))).getFloat(), 1e-6);
    }

    // ---- 5. settings of precomputed labels ----

    @Test
    void labelsOfADifferentlyConfiguredLossAreRejected() {
        Inputs in = inputs(3, MARGIN);
        NDArray yArr = labels(in.y());
        NDList predictions = new NDList(array(in.z()));
        FocalDistillationLoss half = ldi().optMargin(0.5f).optTopK(2).build();
        NDList halfLabels = half.teacherLabels(yArr, array(in.o()));

        assertMessage(() -> ldi().optMargin(0.2f).optTopK(2).build().evaluate(halfLabels, predictions),
                "labels[1]", "margin=0.5", "margin=0.2", "teacherLabels");
        assertMessage(() -> ldi().optMargin(0.5f).optTopK(3).build().evaluate(halfLabels, predictions),
                "topK=2", "topK=3");
        assertMessage(() -> ldi().optMargin(0.5f).optTopK(2).optPower(1f).build().evaluate(halfLabels, predictions),
                "power=2.0", "power=1.0");
        assertMessage(() -> ldi().optMargin(0.5f).optTopK(2).optExcludeTrueClass(true).build()
                        .evaluate(halfLabels, predictions),
                "excludeTrueClass=false", "excludeTrueClass=true");
        assertMessage(() -> ldi().optMargin(0.5f).optTopK(2).optClassReduction(ClassReduction.MEAN).build()
                        .evaluate(halfLabels, predictions),
                "classReduction=SUM", "classReduction=MEAN");
        // The same settings (filter, alpha, beta and lambda are not baked in) accept them.
        FocalDistillationLoss same = ldi().optMargin(0.5f).optTopK(2).optFilter(SampleFilter.ALL).build();
        double expected = new ReferenceLoss(same).value(in.z(), in.o(), in.y());
        // float32 against float64: see the class doc
        assertEquals(expected, same.evaluate(halfLabels, predictions).getFloat(), 2e-5 * Math.max(1, expected));

        // Another distance's general labels, and LDI's given to another distance: refused by their type and
        // settings, naming both losses.
        NDList lmLabels = FocalDistillationLoss.builder().optDistance(Distance.LOGIT_MATCHING).build()
                .teacherLabels(yArr, array(in.o()));
        assertMessage(() -> half.evaluate(lmLabels, predictions), "general labels", "distance=LOGIT_MATCHING",
                "distance=LDI");
        assertMessage(() -> FocalDistillationLoss.builder().optTau(4f).build().evaluate(halfLabels, predictions),
                "LDI labels", "distance=LDI", "distance=KL, tau=4.0");
        // Their arrays without the type are not read as a layout at all.
        assertMessage(() -> half.evaluate(new NDList(lmLabels), predictions), "got 3 arrays", "restoreLabels");
    }

    // ---- 7. bad values ----

    @Test
    void badValuesNameTheProblem() {
        assertMessage(() -> ldi().optMargin(-0.1f).build(), "margin", ">= 0", "-0.1");
        assertMessage(() -> ldi().optMargin(Float.NaN).build(), "margin", "NaN");
        assertMessage(() -> ldi().optMargin(Float.POSITIVE_INFINITY).build(), "margin", "finite");
        assertMessage(() -> ldi().optPower(0.5f).build(), "power", ">= 1", "0.5");
        assertMessage(() -> ldi().optPower(Float.NaN).build(), "power", "NaN");
        assertMessage(() -> ldi().optPower(Float.POSITIVE_INFINITY).build(), "power", "finite", "Infinity");
        assertMessage(() -> ldi().optTopK(-1).build(), "topK", ">= 0", "-1");

        FocalDistillationLoss tooMany = ldi().optTopK(C + 1).build();
        Inputs in = inputs(5, MARGIN);
        assertMessage(() -> tooMany.evaluate(new NDList(labels(in.y()), array(in.o())), new NDList(array(in.z()))),
                "topK", "6", "5 classes", "topK <= C");
        assertMessage(() -> tooMany.teacherLabels(labels(in.y()), array(in.o())), "topK", "6", "5 classes");
        // Precomputed labels of C = 5 classes cannot come from this loss, but the check holds there too.
        NDList fine = ldi().optTopK(C).build().teacherLabels(labels(in.y()), array(in.o()));
        assertMessage(() -> tooMany.evaluate(fine, new NDList(array(in.z()))), "topK", "6", "5 classes");
        // The LDI settings are checked whatever the distance: they are never silently wrong.
        assertMessage(() -> FocalDistillationLoss.builder().optPower(0f).build(), "power");
    }

    @Test
    void settingsAreReported() {
        FocalDistillationLoss loss = ldi().optMargin(0.25f).optPower(1.5f).optTopK(3).optExcludeTrueClass(true).build();
        assertEquals(Distance.LDI, loss.getDistance());
        assertEquals(0.25f, loss.getMargin());
        assertEquals(1.5f, loss.getPower());
        assertEquals(3, loss.getTopK());
        assertTrue(loss.isExcludeTrueClass());
        FocalDistillationLoss defaults = FocalDistillationLoss.builder().build();
        assertEquals(0f, defaults.getMargin());
        assertEquals(2f, defaults.getPower());
        assertEquals(0, defaults.getTopK());
        assertFalse(defaults.isExcludeTrueClass());
    }

    private static void assertMessage(Runnable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String fragment : fragments) {
            assertTrue(
                    e.getMessage().contains(fragment),
                    "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        }
    }
}
