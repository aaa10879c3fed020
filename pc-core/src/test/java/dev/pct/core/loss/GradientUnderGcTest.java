package dev.pct.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.pct.core.testing.GcPressure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loss's gradient must not depend on what the garbage collector does between forward and backward.
 *
 * <p>On CPU, DJL's PyTorch engine wraps Java direct buffers without copying; a scalar made from a Java
 * number and closed at once, but saved by autograd for the backward pass, is freed by the next
 * collection. These tests collect garbage and overwrite freed native memory between {@code evaluate}
 * and {@code backward}, on every distance, filter, temperature path and label layout (and for LDI on
 * every branch of its hinge and class set), and compare the gradient bit for bit with an undisturbed run.
 */
class GradientUnderGcTest {

    private static final int N = 8;
    private static final int C = 6;
    private static final int REPETITIONS = 6;

    /** How the labels reach the loss. */
    enum Layout {
        /** {@code [y, oldLogits]}: the old model's terms derived on every call. */
        RAW,
        /** This loss's own {@code teacherLabels}: four arrays, or the soft target at KL tau 1. */
        TEACHER,
        /** Four arrays made by a loss of the same distance and tau that has no soft target. */
        FOUR_ARRAYS
    }

    /** LDI's settings; each takes other ops (margin, power, class set). The other distances use PLAIN. */
    enum Ldi {
        /** Margin 0, power 2, every class: the square of the difference. */
        PLAIN(0f, 2f, 0, false),
        /** Margin and power 1: abs, the margin, maximum. */
        HINGE(0.5f, 1f, 0, false),
        /** Margin, power 1.5 (pow), top 3 of the classes other than the true one. */
        TOP_K_EXCLUDED(0.3f, 1.5f, 3, true),
        /** Margin, power 2 (square of the hinge), top 2. */
        TOP_K(0.5f, 2f, 2, false),
        /** Margin 0, power 1, every class but the true one. */
        EXCLUDED(0f, 1f, 0, true);

        final float margin;
        final float power;
        final int topK;
        final boolean exclude;

        Ldi(float margin, float power, int topK, boolean exclude) {
            this.margin = margin;
            this.power = power;
            this.topK = topK;
            this.exclude = exclude;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Distance d : Distance.values()) {
            for (SampleFilter f : SampleFilter.values()) {
                for (float tau : d == Distance.KL ? new float[] {1f, 4f, 100f} : new float[] {1f}) {
                    for (Layout layout : Layout.values()) {
                        for (Ldi ldi : d == Distance.LDI ? Ldi.values() : new Ldi[] {Ldi.PLAIN}) {
                            all.add(Arguments.of(d, f, tau, layout, ldi));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    private static FocalDistillationLoss loss(Distance d, SampleFilter f, float tau, Ldi ldi) {
        return FocalDistillationLoss.builder()
                .optAlpha(0.5f)
                .optBeta(3f)
                .optLambda(0.7f)
                .optTau(tau)
                .optDistance(d)
                .optFilter(f)
                .optMargin(ldi.margin)
                .optPower(ldi.power)
                .optTopK(ldi.topK)
                .optExcludeTrueClass(ldi.exclude)
                .build();
    }

    @ParameterizedTest(name = "{0} {1} tau={2} {3} {4}")
    @MethodSource("cases")
    void gradientIsTheSameWhateverTheCollectorDoesBeforeBackward(
            Distance d, SampleFilter f, float tau, Layout layout, Ldi ldi) {
        FocalDistillationLoss loss = loss(d, f, tau, ldi);
        Random random = new Random(7);
        float[] z = gaussian(random, N * C, 2f);
        float[] o = gaussian(random, N * C, 2f);
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            y[i] = random.nextInt(C);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray yArr = manager.create(y);
            NDArray oArr = manager.create(o, new Shape(N, C));
            NDList labels =
                    switch (layout) {
                        case RAW -> new NDList(yArr, oArr);
                        case TEACHER -> loss.teacherLabels(yArr, oArr);
                        case FOUR_ARRAYS -> loss(d, SampleFilter.NEGATIVE_FLIP, tau, ldi).teacherLabels(yArr, oArr);
                    };
            float[] undisturbed = gradient(loss, labels, manager, z, false);
            for (int r = 0; r < REPETITIONS; r++) {
                float[] disturbed = gradient(loss, labels, manager, z, true);
                // 0f: the same CPU ops on the same inputs are deterministic, so any difference is freed memory read.
                assertArrayEquals(undisturbed, disturbed, 0f, "repetition " + r);
            }
        }
    }

    static float[] gradient(
            FocalDistillationLoss loss, NDList labels, NDManager parent, float[] z, boolean pressure) {
        try (NDManager manager = parent.newSubManager()) {
            NDArray zArr = manager.create(z, new Shape(N, C));
            zArr.setRequiresGradient(true);
            List<ByteBuffer> burst = null;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = loss.evaluate(labels, new NDList(zArr));
                if (pressure) {
                    burst = GcPressure.apply();
                }
                collector.backward(value);
            }
            float[] grad = zArr.getGradient().toFloatArray();
            assertEquals(N * C, grad.length);
            if (burst != null) {
                burst.clear();
            }
            return grad;
        }
    }

    @Test
    void teacherLabelsStayValidAfterTheCallerClosesItsInputs() {
        Random random = new Random(11);
        float[] o = gaussian(random, N * C, 2f);
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            y[i] = random.nextInt(C);
        }
        float[] z = gaussian(random, N * C, 2f);
        for (Distance d : Distance.values()) {
            for (SampleFilter f : new SampleFilter[] {SampleFilter.OLD_CORRECT, SampleFilter.NEGATIVE_FLIP}) {
                for (Ldi ldi : d == Distance.LDI ? Ldi.values() : new Ldi[] {Ldi.PLAIN}) {
                    FocalDistillationLoss loss = loss(d, f, 1f, ldi);
                    try (NDManager manager = NDManager.newBaseManager()) {
                        NDList expectedLabels;
                        NDList labels;
                        try (NDManager inputs = manager.newSubManager()) {
                            // int64 labels and float32 logits made from Java arrays: the engine wraps the
                            // Java buffers without copying, so a label array that aliases them dies with them.
                            NDArray yArr = inputs.create(y);
                            NDArray oArr = inputs.create(o, new Shape(N, C));
                            labels = loss.teacherLabels(yArr, oArr);
                            labels.attach(manager);
                            expectedLabels = new NDList();
                            for (NDArray array : labels) {
                                NDArray copy =
                                        manager.create(array.toByteBuffer(), array.getShape(), array.getDataType());
                                expectedLabels.add(copy);
                            }
                        }
                        List<ByteBuffer> burst = GcPressure.apply();
                        for (int k = 0; k < labels.size(); k++) {
                            assertArrayEquals(
                                    expectedLabels.get(k).toByteArray(),
                                    labels.get(k).toByteArray(),
                                    d + " " + f + " " + ldi + ": labels[" + k + "] changed after its inputs"
                                            + " were closed");
                        }
                        burst.clear();
                        NDArray zArr = manager.create(z, new Shape(N, C));
                        assertEquals(
                                loss.evaluate(loss.restoreLabels(expectedLabels), new NDList(zArr)).getFloat(),
                                loss.evaluate(labels, new NDList(zArr)).getFloat(),
                                0f);
                    }
                }
            }
        }
    }

    static float[] gaussian(Random random, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian() * scale;
        }
        return out;
    }
}
