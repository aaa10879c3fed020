package dev.pct.train.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.TeacherLabels;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CachedTeacherTest {
    private static final int N = 10;
    private static final int C = 4;

    private static float[] logits() {
        Random r = new Random(5);
        float[] o = new float[N * C];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) r.nextGaussian();
        }
        return o;
    }

    private static int[] labels() {
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            y[i] = (i * 3) % C;
        }
        return y;
    }

    /** The teacher's labels of a batch, as the training loop asks for them. */
    private static NDList labelsOf(CachedTeacher teacher, NDManager m, int[] batch, int[] y) {
        long[] yRows = new long[batch.length];
        for (int i = 0; i < batch.length; i++) {
            yRows[i] = y[batch[i]];
        }
        return teacher.labels(m, null, m.create(yRows), teacher.prepare(batch, 0L).create(m));
    }

    @Test
    void batchRowsEqualTheLossOwnTermsOfThoseSamples() {
        int[] batch = {7, 2, 2, 9};
        for (FocalDistillationLoss loss : new FocalDistillationLoss[] {
            FocalDistillationLoss.builder().optTau(1f).build(), // three-array soft-target layout
            FocalDistillationLoss.builder().optTau(4f).build(), // four-array layout
            FocalDistillationLoss.builder().optDistance(Distance.LOGIT_MATCHING).build(),
            // LDI: four arrays, two of them N×C (reference logits and the per-row top-k class weights).
            FocalDistillationLoss.builder().optDistance(Distance.LDI).optTopK(2).optExcludeTrueClass(true)
                    .optMargin(0.5f).build()
        }) {
            try (NDManager m = NDManager.newBaseManager()) {
                float[] o = logits();
                int[] y = labels();
                CachedTeacher cached = CachedTeacher.compute(loss, o, y, C, m);
                // Both forms: terms kept in memory, and terms made per batch from the logit rows.
                for (NDList got : List.of(labelsOf(cached, m, batch, y),
                        labelsOf(CachedTeacher.perBatch(loss, LogitRows.of(o, C)), m, batch, y))) {
                    // Independently: the loss's terms of the same samples, computed directly on those rows.
                    float[] rows = new float[batch.length * C];
                    long[] yRows = new long[batch.length];
                    for (int i = 0; i < batch.length; i++) {
                        System.arraycopy(o, batch[i] * C, rows, i * C, C);
                        yRows[i] = y[batch[i]];
                    }
                    NDList expected = loss.teacherLabels(m.create(yRows), m.create(rows, new Shape(batch.length, C)));
                    assertEquals(expected.size(), got.size());
                    // The same layout, by type, made for the same settings.
                    assertEquals(expected.getClass(), got.getClass());
                    assertEquals(((TeacherLabels) expected).settings(), ((TeacherLabels) got).settings());
                    for (int e = 0; e < expected.size(); e++) {
                        NDArray want = expected.get(e);
                        NDArray have = got.get(e);
                        assertEquals(want.getShape(), have.getShape(), "term " + e);
                        assertEquals(want.getDataType(), have.getDataType(), "term " + e);
                        // The same row-wise teacherLabels ops on the same rows, in other batches: equal in
                        // practice; 1e-6 is about an ulp of the largest terms (|a sum q log q| ≤ 6 log 4 ≈ 8.3).
                        assertArrayEquals(want.toType(DataType.FLOAT32, false).toFloatArray(),
                                have.toType(DataType.FLOAT32, false).toFloatArray(), 1e-6f, "term " + e);
                    }
                }
            }
        }
    }

    @Test
    void labelsCachedForOneLossAreRejectedByADifferentlyConfiguredOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            FocalDistillationLoss made = FocalDistillationLoss.builder().optTau(1f).optLambda(1f).build();
            FocalDistillationLoss other = FocalDistillationLoss.builder().optTau(1f).optLambda(2f).build();
            CachedTeacher cached = CachedTeacher.compute(made, logits(), labels(), C, m);
            NDList batch = labelsOf(cached, m, new int[] {0, 1, 2}, labels());
            NDArray z = m.randomNormal(new Shape(3, C));
            assertThrows(IllegalArgumentException.class, () -> other.evaluate(batch, new NDList(z)));
            // The loss they were made for accepts them.
            made.evaluate(batch, new NDList(z));
        }
    }

    /**
     * With reference rows other than the old model's (an ensemble), the filter reads the old model's decisions
     * from the mask: the old-correct array of a batch is the mask's entries of its samples, in both forms, and
     * the other arrays are the loss's own terms of the reference rows.
     */
    @Test
    void aMaskOfTheOldModelsDecisionsSetsTheOldCorrectArray() {
        int[] batch = {3, 0, 8, 8, 5};
        float[] reference = logits();
        int[] y = labels();
        // The old model is right exactly where the reference's arg-max is wrong.
        float[] mask = new float[N];
        for (int i = 0; i < N; i++) {
            int best = 0;
            for (int c = 1; c < C; c++) {
                best = reference[i * C + c] > reference[i * C + best] ? c : best;
            }
            mask[i] = best == y[i] ? 0f : 1f;
        }
        for (FocalDistillationLoss loss : new FocalDistillationLoss[] {
            FocalDistillationLoss.builder().optTau(1f).build(),
            FocalDistillationLoss.builder().optTau(4f).build(),
            FocalDistillationLoss.builder().optDistance(Distance.LOGIT_MATCHING).build(),
            FocalDistillationLoss.builder().optDistance(Distance.LDI).optTopK(2).build()
        }) {
            try (NDManager m = NDManager.newBaseManager()) {
                CachedTeacher inMemory = CachedTeacher.inMemory(loss, LogitRows.of(reference, C), y, mask, m);
                CachedTeacher perBatch = CachedTeacher.perBatch(loss, LogitRows.of(reference, C), mask);
                float[] rows = new float[batch.length * C];
                long[] yRows = new long[batch.length];
                float[] maskRows = new float[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    System.arraycopy(reference, batch[i] * C, rows, i * C, C);
                    yRows[i] = y[batch[i]];
                    maskRows[i] = mask[batch[i]];
                }
                NDList expected = loss.teacherLabels(m.create(yRows), m.create(rows, new Shape(batch.length, C)),
                        m.create(maskRows), true);
                NDList withoutMask = loss.teacherLabels(m.create(yRows), m.create(rows, new Shape(batch.length, C)));
                for (NDList got : List.of(labelsOf(inMemory, m, batch, y), labelsOf(perBatch, m, batch, y))) {
                    assertEquals(expected.size(), got.size());
                    // The same layout, by type, made for the same settings.
                    assertEquals(expected.getClass(), got.getClass());
                    assertEquals(((TeacherLabels) expected).settings(), ((TeacherLabels) got).settings());
                    for (int e = 0; e < expected.size(); e++) {
                        // as above: the same row-wise ops, 1e-6 about an ulp of the largest terms
                        assertArrayEquals(expected.get(e).toType(DataType.FLOAT32, false).toFloatArray(),
                                got.get(e).toType(DataType.FLOAT32, false).toFloatArray(), 1e-6f, "term " + e);
                    }
                    if (got.size() > 3 || loss.getTau() != 1f) {
                        // The general layouts end with the old-correct array itself.
                        assertArrayEquals(maskRows, got.get(got.size() - 1).toFloatArray(), loss.toString());
                    }
                    // The reference's own decisions would give other labels: differences far above 1e-6.
                    assertThrows(AssertionError.class, () -> assertArrayEquals(
                            withoutMask.get(withoutMask.size() - 1).toType(DataType.FLOAT32, false).toFloatArray(),
                            got.get(got.size() - 1).toType(DataType.FLOAT32, false).toFloatArray(), 1e-6f));
                }
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> CachedTeacher.perBatch(FocalDistillationLoss.builder().build(), LogitRows.of(reference, C),
                        new float[N - 1]));
    }
}
