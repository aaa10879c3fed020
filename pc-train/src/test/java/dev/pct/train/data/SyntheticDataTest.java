package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

    @Test
    void sameSeedSameData() {
        TrainTestSets<ImageSet> a = SyntheticData.generate(50, 20, 4, 2, 5, 6, 0.2, 7);
        TrainTestSets<ImageSet> b = SyntheticData.generate(50, 20, 4, 2, 5, 6, 0.2, 7);
        TrainTestSets<ImageSet> c = SyntheticData.generate(50, 20, 4, 2, 5, 6, 0.2, 8);
        assertEquals(a, b);
        assertFalse(Arrays.equals(a.train().pixels(), c.train().pixels()));
        assertEquals(50, a.train().size());
        assertEquals(20, a.test().size());
        assertEquals(2 * 5 * 6, a.train().sampleSize());
        assertEquals(4, a.train().numClasses());
    }

    /**
     * A nearest-class-mean classifier (a linear model) fitted on the training set must be far above
     * chance on the test set but not perfect.
     */
    @Test
    void learnableButNotTrivially() {
        int classes = 10;
        TrainTestSets<ImageSet> sets = SyntheticData.generate(3000, 2000, classes, 1, 12, 12, 0.3, 1);
        ImageSet train = sets.train();
        int d = train.sampleSize();
        double[][] means = new double[classes][d];
        int[] counts = train.classCounts();
        float[] x = new float[d];
        for (int i = 0; i < train.size(); i++) {
            train.copySample(i, x, 0);
            for (int j = 0; j < d; j++) {
                means[train.label(i)][j] += x[j] / counts[train.label(i)];
            }
        }
        ImageSet test = sets.test();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            test.copySample(i, x, 0);
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int k = 0; k < classes; k++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = x[j] - means[k][j];
                    dist += diff * diff;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            correct += best == test.label(i) ? 1 : 0;
        }
        double accuracy = correct / (double) test.size();
        assertTrue(accuracy > 0.5, "accuracy " + accuracy + " should be far above chance 0.1");
        assertTrue(accuracy < 0.95, "accuracy " + accuracy + " should not be near perfect");
    }

    @Test
    void everyClassAppears() {
        ImageSet train = SyntheticData.generate(500, 10, 5, 1, 4, 4, 0.1, 3).train();
        for (int count : train.classCounts()) {
            assertTrue(count > 50, Arrays.toString(train.classCounts()));
        }
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SyntheticData.generate(10, 10, 1, 1, 4, 4, 0.1, 3));
        assertTrue(e.getMessage().contains("classes"));
        assertThrows(IllegalArgumentException.class, () -> SyntheticData.generate(10, 10, 2, 1, 4, 4, -1, 3));
        assertThrows(IllegalArgumentException.class, () -> SyntheticData.generate(0, 10, 2, 1, 4, 4, 0.1, 3));
    }

    @Test
    void pixelsStayInRangeAfterHeavyNoise() {
        ImageSet s = SyntheticData.generate(20, 1, 2, 1, 3, 3, 5.0, 3).train();
        int[] hist = new int[256];
        for (byte b : s.pixels()) {
            hist[b & 0xFF]++;
        }
        // heavy noise saturates: both ends of the byte range occur
        assertTrue(hist[0] > 0 && hist[255] > 0);
        assertArrayEquals(s.sourceIndices(), ImageSet.identity(20));
    }
}
