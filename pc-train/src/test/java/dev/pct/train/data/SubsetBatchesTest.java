package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A fraction of a source: the right number of distinct samples, their own labels and images, the same every time. */
class SubsetBatchesTest {

    @Test
    void aFractionKeepsDistinctSamplesWithTheirLabelsAndImages() {
        int n = 20;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 100 + i;
            y[i] = i % 3;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            BatchSource all = DatasetBatches.of(new ArrayDataset.Builder().setData(manager.create(x, new Shape(n, 1)))
                    .optLabels(manager.create(y)).setSampling(4, false).build(), 3, manager);
            BatchSource half = SubsetBatches.fraction(all, 0.5, 7);
            assertEquals(10, half.size());
            assertArrayEquals(half.labels(), SubsetBatches.fraction(all, 0.5, 7).labels(), "the same every time");
            float[] images = half.images(manager, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, null).toFloatArray();
            Set<Float> distinct = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                int source = Math.round(images[i]) - 100;
                assertEquals(source % 3, half.labels()[i], "sample " + i + " keeps its label");
                distinct.add(images[i]);
            }
            assertEquals(10, distinct.size(), "no sample twice");
            assertSame(all, SubsetBatches.fraction(all, 1, 7));
            assertThrows(IllegalArgumentException.class, () -> SubsetBatches.fraction(all, 0, 7));
        }
    }
}
