package dev.pct.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlipAccumulatorTest {

    // Rates are ratios of small integer counts, each a division or two in double (error a few ulps, < 1e-15):
    // 1e-12 only absorbs the last bits. Comparisons with 0.0 are exact: those values are 0 by definition.
    private static final double EPS = 1e-12;

    // Ten samples, three classes, worked by hand:
    //  i  label old new
    //  0    0    0   0   both right
    //  1    1    1   2   negative flip (class 1)
    //  2    2    2   2   both right
    //  3    0    1   0   positive flip
    //  4    1    1   1   both right
    //  5    2    0   1   both wrong
    //  6    0    0   2   negative flip (class 0)
    //  7    1    2   2   both wrong
    //  8    2    2   2   both right
    //  9    0    0   0   both right
    // old errors {3,5,7} = 3, new errors {1,5,6,7} = 4, NF {1,6} = 2, PF {3} = 1.
    static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    static final int[] OLD = {0, 1, 2, 1, 1, 0, 0, 2, 2, 0};
    static final int[] NEW = {0, 2, 2, 0, 1, 1, 2, 2, 2, 0};

    @Test
    void handWorkedTenSamples() {
        FlipAccumulator acc = new FlipAccumulator(3);
        acc.add(LABELS, OLD, NEW);
        FlipReport r = acc.report();

        assertEquals(10, r.total());
        assertEquals(3, r.oldErrors());
        assertEquals(4, r.newErrors());
        assertEquals(2, r.negativeFlips());
        assertEquals(1, r.positiveFlips());
        assertEquals(0.3, r.errorRateOld(), EPS);
        assertEquals(0.4, r.errorRateNew(), EPS);
        assertEquals(0.2, r.negativeFlipRate(), EPS);
        assertEquals(0.1, r.positiveFlipRate(), EPS);
        // 0.2 / ((1 - 0.3) * 0.4) = 0.2 / 0.28 = 5 / 7
        assertEquals(5.0 / 7.0, r.relativeNegativeFlipRate(), EPS);
        assertEquals(2.0 / 4.0, r.negativeFlipImpact(), EPS); // NF / new errors
        assertEquals(1.0 / 6.0, r.positiveFlipImpact(), EPS); // PF / new corrects (10 - 4)
        assertEquals(2.0 / 7.0, r.negativeFlipRateAmongOldCorrect(), EPS); // NF / old corrects
        assertArrayEquals(new long[] {1, 6}, r.negativeFlipIndices());
        // class 0: samples 0,3,6,9; class 1: 1,4,7; class 2: 2,5,8
        assertArrayEquals(new long[] {4, 3, 3}, r.samplesPerClass());
        assertArrayEquals(new long[] {1, 1, 0}, r.negativeFlipsPerClass());
        assertArrayEquals(new double[] {0.25, 1.0 / 3.0, 0.0}, r.negativeFlipRatePerClass(), EPS);
        assertEquals(3, r.numClasses());
    }

    @Test
    void wilsonIntervalsMatchQuadraticRoots() {
        FlipReport r = report(LABELS, OLD, NEW);
        // Roots of (k/n - p)^2 = z^2 p (1 - p) / n, solved independently in float64 (Python):
        // k=2, n=10 -> [0.0566821514543753, 0.5098375284633582] (tables give [0.057, 0.510]).
        // Closed form evaluated in double (a dozen operations on values below 4: error ~1e-15) against
        // round-tripping float64 digits: 1e-12 is margin for the order of operations, nothing more.
        assertEquals(0.0566821514543753, r.negativeFlipRateInterval().lower(), 1e-12);
        assertEquals(0.5098375284633582, r.negativeFlipRateInterval().upper(), 1e-12);
        // k=3, n=10 -> [0.10779126740630103, 0.6032218525388546]
        assertEquals(0.10779126740630103, r.errorRateOldInterval().lower(), 1e-12);
        assertEquals(0.6032218525388546, r.errorRateOldInterval().upper(), 1e-12);
        // And both bounds of every interval solve the quadratic.
        assertSolvesWilsonQuadratic(r.errorRateNewInterval(), 4, 10);
        assertSolvesWilsonQuadratic(r.positiveFlipRateInterval(), 1, 10);
    }

    @Test
    void wilsonAtZeroAndAllSuccesses() {
        double z2 = 1.959963984540054 * 1.959963984540054;
        // Closed forms in double against the implementation's closed form in double: 1e-12 absorbs the last bits;
        // the bound at 0 is clamped by Math.max, hence exact.
        Interval none = Interval.wilson(0, 10);
        assertEquals(0.0, none.lower(), 0.0);
        assertEquals(z2 / (10 + z2), none.upper(), 1e-12); // closed form at k = 0
        Interval all = Interval.wilson(10, 10);
        assertEquals(10 / (10 + z2), all.lower(), 1e-12); // mirror image at k = n
        assertEquals(1.0, all.upper(), 1e-12);
        assertEquals(new Interval(0.0, 1.0), Interval.wilson(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Interval.wilson(3, 2));
    }

    @Test
    void mergeEqualsOnePassForArrivalAndNamedIndices() {
        FlipAccumulator onePass = new FlipAccumulator(3);
        onePass.add(slice(LABELS, 0, 4), slice(OLD, 0, 4), slice(NEW, 0, 4));
        onePass.add(slice(LABELS, 4, 10), slice(OLD, 4, 10), slice(NEW, 4, 10));
        onePass.add(new long[] {100, 101}, new int[] {1, 2}, new int[] {1, 2}, new int[] {0, 2});

        FlipAccumulator first = new FlipAccumulator(3);
        first.add(slice(LABELS, 0, 4), slice(OLD, 0, 4), slice(NEW, 0, 4));
        FlipAccumulator second = new FlipAccumulator(3);
        second.add(slice(LABELS, 4, 10), slice(OLD, 4, 10), slice(NEW, 4, 10));
        second.add(new long[] {100, 101}, new int[] {1, 2}, new int[] {1, 2}, new int[] {0, 2});

        FlipReport merged = first.merge(second).report();
        assertEquals(onePass.report(), merged);
        // Sample 6 arrived as the 3rd of the second part: 4 + 2 = 6; 100 was named.
        assertArrayEquals(new long[] {1, 6, 100}, merged.negativeFlipIndices());
        assertEquals(12, merged.total());
        // Inputs unchanged.
        assertEquals(4, first.getTotal());
        assertEquals(8, second.getTotal());
    }

    @Test
    void anAccumulatorSerializedAndReadBackCountsAndMergesAsTheOriginal() throws Exception {
        // As Spark ships a task's accumulator to the driver: the hand-worked ten samples, then two named ones.
        FlipAccumulator part = new FlipAccumulator(3);
        part.add(LABELS, OLD, NEW);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(part);
        }
        FlipAccumulator back;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (FlipAccumulator) in.readObject();
        }
        FlipReport r = back.report();
        assertEquals(10, r.total());
        assertEquals(3, r.oldErrors());
        assertEquals(4, r.newErrors());
        assertEquals(2, r.negativeFlips());
        assertEquals(1, r.positiveFlips());
        assertArrayEquals(new long[] {1, 6}, r.negativeFlipIndices());
        // It keeps counting: one more negative flip at arrival position 10 (label 1, old 1, new 0).
        back.add(new int[] {1}, new int[] {1}, new int[] {0});
        assertArrayEquals(new long[] {1, 6, 10}, back.report().negativeFlipIndices());
        assertEquals(3 + 2, back.merge(part).report().negativeFlips());
    }

    @Test
    void secondBatchContinuesNumbering() {
        FlipAccumulator acc = new FlipAccumulator(2);
        acc.add(new int[] {0, 1}, new int[] {0, 1}, new int[] {0, 1});
        acc.add(new int[] {0, 1}, new int[] {0, 1}, new int[] {1, 1});
        assertArrayEquals(new long[] {2}, acc.report().negativeFlipIndices());
    }

    @Test
    void emptySetIsAllZerosWithUninformativeIntervals() {
        FlipReport r = new FlipAccumulator(4).report();
        assertEquals(0, r.total());
        for (double v :
                new double[] {
                    r.errorRateOld(), r.errorRateNew(), r.negativeFlipRate(), r.positiveFlipRate(),
                    r.relativeNegativeFlipRate(), r.negativeFlipImpact(), r.positiveFlipImpact(),
                    r.negativeFlipRateAmongOldCorrect()
                }) {
            assertEquals(0.0, v, 0.0);
        }
        assertEquals(new Interval(0, 1), r.negativeFlipRateInterval());
        assertArrayEquals(new double[4], r.negativeFlipRatePerClass(), 0.0);
        assertEquals(0, r.negativeFlipIndices().length);
    }

    @Test
    void perfectNewModelGivesZeroRelativeNfrAndNfi() {
        // Old wrong on sample 1, new right everywhere: ER_new = 0, newErrors = 0.
        FlipReport r = report(new int[] {0, 1, 1}, new int[] {0, 0, 1}, new int[] {0, 1, 1});
        assertEquals(0.0, r.errorRateNew(), 0.0);
        assertEquals(0.0, r.relativeNegativeFlipRate(), 0.0);
        assertEquals(0.0, r.negativeFlipImpact(), 0.0);
        assertEquals(1, r.positiveFlips());
        assertEquals(1.0 / 3.0, r.positiveFlipImpact(), EPS);
    }

    @Test
    void allWrongOldAndNewModelsGiveZeroRatios() {
        // Old wrong everywhere (no old corrects), new wrong everywhere (no new corrects).
        FlipReport r = report(new int[] {0, 1}, new int[] {1, 0}, new int[] {1, 0});
        assertEquals(1.0, r.errorRateOld(), 0.0);
        assertEquals(0.0, r.relativeNegativeFlipRate(), 0.0);
        assertEquals(0.0, r.negativeFlipRateAmongOldCorrect(), 0.0);
        assertEquals(0.0, r.positiveFlipImpact(), 0.0);
        assertEquals(0.0, r.negativeFlipImpact(), 0.0); // NFI = 0 NF / 2 new errors
    }

    @Test
    void argmaxTakesFirstMaximumAndRejectsNaN() {
        float[] logits = {0.1f, 0.7f, 0.2f, 3f, 3f, -1f, -5f, -4f, -4.5f};
        assertArrayEquals(new int[] {1, 0, 1}, FlipAccumulator.argmax(logits, 3));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> FlipAccumulator.argmax(new float[] {0f, Float.NaN}, 2));
        assertTrue(e.getMessage().contains("row 0, class 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FlipAccumulator.argmax(new float[5], 3));
        assertTrue(e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void badInputNamesTheValueAndLeavesStateUnchanged() {
        FlipAccumulator acc = new FlipAccumulator(3);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> acc.add(new int[] {0, 3}, new int[] {0, 0}, new int[] {0, 0}));
        assertTrue(e.getMessage().contains("labels[1] = 3"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> acc.add(new int[] {0}, new int[] {0, 0}, new int[] {0}));
        assertTrue(e.getMessage().contains("oldPredictions 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> acc.add(new int[] {0}, new int[] {0}, new int[] {-1}));
        assertTrue(e.getMessage().contains("newPredictions[0] = -1"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> acc.add(new long[] {-4}, new int[] {0}, new int[] {0}, new int[] {0}));
        assertTrue(e.getMessage().contains("-4"), e.getMessage());
        assertEquals(0, acc.getTotal());
        assertThrows(IllegalArgumentException.class, () -> acc.merge(new FlipAccumulator(2)));
    }

    @Test
    void inconsistentCountsAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> FlipReport.fromCounts(10, 3, 4, 2, 2, new long[] {10}, new long[] {2}, new long[] {1, 2}));
    }

    private static FlipReport report(int[] labels, int[] old, int[] neu) {
        int classes = 1;
        for (int[] a : new int[][] {labels, old, neu}) {
            for (int v : a) {
                classes = Math.max(classes, v + 1);
            }
        }
        FlipAccumulator acc = new FlipAccumulator(classes);
        acc.add(labels, old, neu);
        return acc.report();
    }

    private static int[] slice(int[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    private static void assertSolvesWilsonQuadratic(Interval interval, int k, int n) {
        double z = 1.959963984540054;
        double p = (double) k / n;
        // Both sides are below 1 and are a few double operations on a bound that is itself off by a few ulps
        // (|d/dbound| <= 4): error ~1e-15, so 1e-12 is margin.
        for (double bound : new double[] {interval.lower(), interval.upper()}) {
            double lhs = (p - bound) * (p - bound);
            double rhs = z * z * bound * (1 - bound) / n;
            assertEquals(lhs, rhs, 1e-12, "bound " + bound);
        }
    }
}
