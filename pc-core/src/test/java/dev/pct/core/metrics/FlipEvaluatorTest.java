package dev.pct.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class FlipEvaluatorTest {

    /** One-hot-ish logits whose argmax is {@code classes[i]}. */
    private static NDArray logits(NDManager m, int[] classes, int numClasses) {
        float[] values = new float[classes.length * numClasses];
        for (int i = 0; i < classes.length; i++) {
            for (int c = 0; c < numClasses; c++) {
                values[i * numClasses + c] = c == classes[i] ? 2.5f : -0.5f * c;
            }
        }
        return m.create(values, new Shape(classes.length, numClasses));
    }

    @Test
    void evaluateReturnsNegativeFlipIndicator() {
        try (NDManager m = NDManager.newBaseManager()) {
            FlipEvaluator evaluator = new FlipEvaluator(3);
            NDList labels =
                    new NDList(
                            m.create(toFloat(FlipAccumulatorTest.LABELS)),
                            logits(m, FlipAccumulatorTest.OLD, 3));
            NDList predictions = new NDList(logits(m, FlipAccumulatorTest.NEW, 3));
            NDArray indicator = evaluator.evaluate(labels, predictions);
            // Negative flips at samples 1 and 6 (see FlipAccumulatorTest). The indicator is 0/1 floats: exact.
            assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 1, 0, 0, 0}, indicator.toFloatArray());
            // The 0/1 sum is exact in float32; one division rounds by at most half an ulp (ulp(0.2f) = 2^-26
            // ≈ 1.5e-8), so 1e-7 is a margin of a few ulps.
            assertEquals(0.2f, indicator.mean().getFloat(), 1e-7f);
        }
    }

    @Test
    void accumulatesPerKeyAcrossBatchesWithClassInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            FlipEvaluator evaluator = new FlipEvaluator("NFR", 3);
            evaluator.addAccumulator("train");
            evaluator.addAccumulator("validate");
            int[] y = FlipAccumulatorTest.LABELS;
            int[] old = FlipAccumulatorTest.OLD;
            int[] neu = FlipAccumulatorTest.NEW;
            // Two batches: logits for old/new in the first, class vectors (int, (N,1) labels) in the second.
            evaluator.updateAccumulators(
                    new String[] {"train", "validate"},
                    new NDList(m.create(slice(y, 0, 5)), logits(m, slice(old, 0, 5), 3)),
                    new NDList(logits(m, slice(neu, 0, 5), 3)));
            evaluator.updateAccumulator(
                    "train",
                    new NDList(m.create(slice(y, 5, 10), new Shape(5, 1)), m.create(slice(old, 5, 10))),
                    new NDList(m.create(slice(neu, 5, 10))));

            // Counts divided in double, then cast: the float nearest 0.2, as the literal is; 1e-7 (a few ulps of
            // 0.2f) only absorbs the last bits. Same for "validate" below.
            assertEquals(0.2f, evaluator.getAccumulator("train"), 1e-7f); // 2 / 10
            FlipReport train = evaluator.getReport("train");
            assertArrayEquals(new long[] {1, 6}, train.negativeFlipIndices());
            assertEquals(4, train.newErrors());
            // "validate" only saw the first five samples: one flip (sample 1).
            assertEquals(0.2f, evaluator.getAccumulator("validate"), 1e-7f); // 1 / 5
            assertEquals(5, evaluator.getReport("validate").total());

            evaluator.resetAccumulator("train");
            assertEquals(0, evaluator.getReport("train").total());
            assertEquals(0f, evaluator.getAccumulator("train"));
        }
    }

    @Test
    void rejectsUnknownKeyAndBadShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            FlipEvaluator evaluator = new FlipEvaluator(3);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> evaluator.getAccumulator("nope"));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
            NDList labels = new NDList(m.create(new int[] {0, 1}), m.zeros(new Shape(2, 4)));
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> evaluator.evaluate(labels, new NDList(m.zeros(new Shape(2, 3)))));
            assertTrue(e.getMessage().contains("(2, 4)"), e.getMessage());
            NDList shortLabels = new NDList(m.create(new int[] {0, 1}));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> evaluator.evaluate(shortLabels, new NDList(m.zeros(new Shape(2, 3)))));
            NDList mismatched = new NDList(m.create(new int[] {0, 1}), m.create(new int[] {0, 1, 2}));
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> evaluator.evaluate(mismatched, new NDList(m.create(new int[] {0, 1}))));
            assertTrue(e.getMessage().contains("old 3"), e.getMessage());
        }
    }

    private static float[] toFloat(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = a[i];
        }
        return f;
    }

    private static int[] slice(int[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    @Test
    void theLossesGeneralLayoutWorksAndItsSoftTargetIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            dev.pct.core.loss.FocalDistillationLoss general =
                    dev.pct.core.loss.FocalDistillationLoss.builder().optTau(4f).build();
            NDList labels = general.teacherLabels(
                    m.create(toFloat(FlipAccumulatorTest.LABELS)), logits(m, FlipAccumulatorTest.OLD, 3));
            NDArray indicator = new FlipEvaluator(3).evaluate(labels, new NDList(logits(m, FlipAccumulatorTest.NEW, 3)));
            assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0, 1, 0, 0, 0}, indicator.toFloatArray());
            NDList soft = dev.pct.core.loss.FocalDistillationLoss.builder().optTau(1f).build().teacherLabels(
                    m.create(toFloat(FlipAccumulatorTest.LABELS)), logits(m, FlipAccumulatorTest.OLD, 3));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new FlipEvaluator(3).evaluate(soft, new NDList(logits(m, FlipAccumulatorTest.NEW, 3))));
            assertTrue(e.getMessage().contains("soft-target"), e.getMessage());
        }
    }
}
