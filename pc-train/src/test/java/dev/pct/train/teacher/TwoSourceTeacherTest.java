package dev.pct.train.teacher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
import dev.pct.core.loss.TeacherLabels;
import dev.pct.core.loss.TwoSourceDistillationLoss;
import dev.pct.core.loss.TwoSourceLabels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-source teacher gives a batch the labels the two-source loss makes itself from the same samples' old and
 * second logits: the old model's terms from the old rows, the second reference's from its rows with the old model's
 * correctness (not the reference's) as the mask.
 */
class TwoSourceTeacherTest {
    private static final int N = 12;
    private static final int C = 4;

    private static float[] logits(long seed) {
        Random r = new Random(seed);
        float[] o = new float[N * C];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (3 * r.nextGaussian());
        }
        return o;
    }

    @Test
    void batchLabelsEqualTheLossOwnLabelsOfThoseSamples() {
        int[] batch = {5, 0, 11, 3, 3};
        float[] old = logits(1);
        float[] second = logits(2);
        int[] y = new int[N];
        float[] oldCorrect = new float[N];
        for (int i = 0; i < N; i++) {
            y[i] = (i * 7) % C;
            int best = 0;
            for (int c = 1; c < C; c++) {
                best = old[i * C + c] > old[i * C + best] ? c : best;
            }
            oldCorrect[i] = best == y[i] ? 1f : 0f;
        }
        for (Distance d : new Distance[] {Distance.KL, Distance.LOGIT_MATCHING, Distance.LDI}) {
            TwoSourceDistillationLoss loss = TwoSourceDistillationLoss.of(FocalDistillationLoss.builder().optTau(1f)
                    .build(), FocalDistillationLoss.builder().optDistance(d).optAlpha(0f).optBeta(1f).optTau(2f)
                    .optFilter(SampleFilter.OLD_INCORRECT).optTopK(d == Distance.LDI ? 2 : 0).build());
            try (NDManager m = NDManager.newBaseManager()) {
                TwoSourceTeacher inMemory = new TwoSourceTeacher(
                        CachedTeacher.inMemory(loss.getFirst(), LogitRows.of(old, C), y, null, m),
                        CachedTeacher.inMemory(loss.getSecond(), LogitRows.of(second, C), y, oldCorrect, m));
                TwoSourceTeacher perBatch = new TwoSourceTeacher(
                        CachedTeacher.perBatch(loss.getFirst(), LogitRows.of(old, C)),
                        CachedTeacher.perBatch(loss.getSecond(), LogitRows.of(second, C), oldCorrect));
                float[] oldRows = new float[batch.length * C];
                float[] secondRows = new float[batch.length * C];
                long[] yRows = new long[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    System.arraycopy(old, batch[i] * C, oldRows, i * C, C);
                    System.arraycopy(second, batch[i] * C, secondRows, i * C, C);
                    yRows[i] = y[batch[i]];
                }
                Shape shape = new Shape(batch.length, C);
                TwoSourceLabels expected = loss.teacherLabels(m.create(yRows), m.create(oldRows, shape),
                        m.create(secondRows, shape), true);
                for (TwoSourceTeacher teacher : new TwoSourceTeacher[] {inMemory, perBatch}) {
                    NDList got = teacher.labels(m, null, m.create(yRows), teacher.prepare(batch, 0L).create(m));
                    TwoSourceLabels labels = assertInstanceOf(TwoSourceLabels.class, got);
                    assertSame(expected.first(), labels.first(), d + " first");
                    assertSame(expected.second(), labels.second(), d + " second");
                }
            }
        }
    }

    private static void assertSame(TeacherLabels want, TeacherLabels got, String what) {
        assertEquals(want.getClass(), got.getClass(), what + ": layout");
        assertEquals(want.settings(), got.settings(), what + ": settings");
        assertEquals(want.size(), got.size(), what + ": arrays");
        for (int e = 0; e < want.size(); e++) {
            assertEquals(want.get(e).getShape(), got.get(e).getShape(), what + " array " + e);
            assertArrayEquals(want.get(e).toType(DataType.FLOAT32, false).toFloatArray(),
                    got.get(e).toType(DataType.FLOAT32, false).toFloatArray(), 1e-6f, what + " array " + e);
        }
    }
}
