package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {

    /** 20 samples of 1x1x2 whose pixels encode their index: (i, 100 + i); label i mod 3. */
    static ImageSet indexed(int n) {
        byte[] p = new byte[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            p[2 * i] = (byte) i;
            p[2 * i + 1] = (byte) (100 + i);
            y[i] = i % 3;
        }
        return ImageSet.of(p, y, 3, 1, 1, 2, List.of(), "test");
    }

    @Test
    void sizesDisjointAndCovering() {
        ImageSet all = indexed(20);
        TrainValidation<ImageSet> s = Splits.trainValidation(all, 0.25, 42);
        assertEquals(15, s.train().size());
        assertEquals(5, s.validation().size());
        Set<Integer> seen = new HashSet<>();
        for (ImageSet part : List.of(s.train(), s.validation())) {
            for (int i = 0; i < part.size(); i++) {
                int orig = part.sourceIndex(i);
                assertTrue(seen.add(orig), "sample " + orig + " in both splits");
                // the sample is really the original one
                assertEquals(orig, part.pixels()[2 * i]);
                assertEquals(100 + orig, part.pixels()[2 * i + 1]);
                assertEquals(orig % 3, part.label(i));
            }
        }
        assertEquals(20, seen.size());
    }

    @Test
    void seededAndSeedDependent() {
        ImageSet all = indexed(20);
        int[] a = Splits.trainValidation(all, 0.3, 1).validation().sourceIndices();
        int[] b = Splits.trainValidation(all, 0.3, 1).validation().sourceIndices();
        int[] c = Splits.trainValidation(all, 0.3, 2).validation().sourceIndices();
        assertArrayEquals(a, b);
        assertTrue(!Arrays.equals(a, c));
    }

    @Test
    void sourceIndicesComposeThroughNestedSubsets() {
        ImageSet all = indexed(20);
        TrainValidation<ImageSet> s = Splits.trainValidation(all, 0.5, 3);
        TrainValidation<ImageSet> inner = Splits.trainValidation(s.train(), 0.5, 4);
        for (int i = 0; i < inner.validation().size(); i++) {
            assertEquals(inner.validation().sourceIndex(i), inner.validation().pixels()[2 * i]);
        }
    }

    @Test
    void zeroFractionKeepsEverything() {
        TrainValidation<ImageSet> s = Splits.trainValidation(indexed(7), 0.0, 1);
        assertEquals(7, s.train().size());
        assertEquals(0, s.validation().size());
    }

    @Test
    void badFractionIsRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(indexed(4), 1.0, 1));
        assertTrue(e.getMessage().contains("1.0"));
        assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(indexed(1), 0.9, 1));
        assertThrows(IllegalArgumentException.class, () -> Splits.trainValidation(indexed(4), -0.1, 1));
    }

    @Test
    void limitAndSubset() {
        ImageSet all = indexed(10);
        ImageSet first = all.limit(3);
        assertArrayEquals(new int[] {0, 1, 2}, first.sourceIndices());
        assertEquals(all, all.limit(99));
        ImageSet sub = all.subset(new int[] {9, 4, 4});
        assertArrayEquals(new byte[] {9, 109, 4, 104, 4, 104}, sub.pixels());
        assertArrayEquals(new int[] {0, 1, 1}, sub.labels());
        assertThrows(IllegalArgumentException.class, () -> all.subset(new int[] {10}));
    }
}
