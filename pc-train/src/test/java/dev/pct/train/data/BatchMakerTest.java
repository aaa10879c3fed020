package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchMakerTest {

    /** 5 samples, 2 channels of 2x2, pixel values 10 * i + j. */
    private static ImageSet data() {
        byte[] p = new byte[5 * 8];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 8; j++) {
                p[i * 8 + j] = (byte) (10 * i + j);
            }
        }
        return ImageSet.of(p, new int[] {4, 3, 2, 1, 0}, 5, 2, 2, 2, List.of(), "t");
    }

    @Test
    void imagesAreGatheredAndNormalizedInBatchOrder() {
        ImageSet d = data();
        Normalizer n = new Normalizer(new float[] {0.1f, 0.2f}, new float[] {0.5f, 0.25f});
        BatchMaker maker = BatchMaker.builder().setData(d).optNormalizer(n).build();
        int[] idx = {3, 0, 3};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = maker.images(m, idx, null);
            assertEquals(new Shape(3, 2, 2, 2), x.getShape());
            assertEquals(DataType.FLOAT32, x.getDataType());
            float[] expected = new float[24];
            for (int b = 0; b < 3; b++) {
                for (int j = 0; j < 8; j++) {
                    int c = j / 4;
                    double v = (10 * idx[b] + j) / 255.0;
                    double mean = c == 0 ? 0.1 : 0.2;
                    double std = c == 0 ? 0.5 : 0.25;
                    expected[b * 8 + j] = (float) ((v - mean) / std);
                }
            }
            // float32 byte scale, subtract, multiply by 1/std against double rounded once: a few ulps of values
            // below 2 (ulp ≤ 2.4e-7); 1e-6 is margin.
            assertArrayEquals(expected, x.toFloatArray(), 1e-6f);

            NDArray y = maker.labels(m, idx);
            assertEquals(DataType.INT64, y.getDataType());
            assertArrayEquals(new long[] {1, 4, 1}, y.toLongArray());
        }
    }

    @Test
    void augmentationOnlyWithRandom() {
        ImageSet d = data();
        BatchMaker maker =
                BatchMaker.builder().setData(d).optAugmentation(new Augmentation(0, true)).build();
        int[] idx = {0, 1, 2, 3, 4};
        float[] plain = maker.gather(idx, null);
        assertArrayEquals(BatchMaker.builder().setData(d).build().gather(idx, null), plain, 0f); // the same ops

        long seed = 5;
        float[] augmented = maker.gather(idx, new Random(seed));
        Random twin = new Random(seed);
        for (int b = 0; b < 5; b++) {
            boolean flip = twin.nextBoolean();
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 2; x++) {
                        int sx = flip ? 1 - x : x;
                        float expected = (10 * b + c * 4 + y * 2 + sx) / 255f;
                        // byte * (1/255f) against byte / 255f: two roundings against one, within an ulp
                        // (≤ 6e-8 below 1)
                        assertEquals(expected, augmented[b * 8 + c * 4 + y * 2 + x], 1e-7f);
                    }
                }
            }
        }
    }

    @Test
    void rowsOfPerSampleMatrix() {
        float[] logits = {0, 1, 2, 10, 11, 12, 20, 21, 22};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = BatchMaker.rows(m, logits, 3, new int[] {2, 0});
            assertEquals(new Shape(2, 3), r.getShape());
            assertArrayEquals(new float[] {20, 21, 22, 0, 1, 2}, r.toFloatArray(), 0f); // exact: copied rows
        }
        assertThrows(IllegalArgumentException.class, () -> BatchMaker.rows(null, logits, 4, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> BatchMaker.rows(null, logits, 3, new int[] {3}));
    }

    @Test
    void shuffledIndicesArePermutationsAndSeeded() {
        int[] a = BatchMaker.shuffledIndices(100, new Random(9));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        assertArrayEquals(BatchMaker.sequentialIndices(100), sorted);
        assertArrayEquals(a, BatchMaker.shuffledIndices(100, new Random(9)));
        assertFalse(Arrays.equals(a, BatchMaker.sequentialIndices(100)));
    }

    @Test
    void batchesKeepTheLastPartialBatch() {
        List<int[]> batches = BatchMaker.batches(new int[] {5, 4, 3, 2, 1, 0, 9}, 3);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {5, 4, 3}, batches.get(0));
        assertArrayEquals(new int[] {2, 1, 0}, batches.get(1));
        assertArrayEquals(new int[] {9}, batches.get(2));
        assertEquals(0, BatchMaker.batches(new int[0], 4).size());
        assertThrows(IllegalArgumentException.class, () -> BatchMaker.batches(new int[] {1}, 0));
    }

    @Test
    void mismatchedNormalizerIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> BatchMaker.builder().setData(data()).optNormalizer(Normalizer.identity(3)).build());
    }
}
