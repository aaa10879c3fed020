package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Crops, shifts and flips only move values or write zeros, so every comparison is exact (0f). */
class AugmentationTest {

    // 1 2 3
    // 4 5 6
    // 7 8 9
    private static float[] image() {
        return new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
    }

    private static float[] apply(Augmentation a, int dy, int dx, boolean flip) {
        float[] buf = image();
        a.apply(buf, 0, 1, 3, 3, dy, dx, flip);
        return buf;
    }

    @Test
    void cropOffsetsWorkedByHand() {
        Augmentation a = new Augmentation(1, true);
        // centre crop of the padded image: unchanged
        assertArrayEquals(image(), apply(a, 1, 1, false), 0f);
        // top-left crop: shifts content down-right, zeros enter at top and left
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 4, 5}, apply(a, 0, 0, false), 0f);
        // bottom, centre column: shifts content up
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 0, 0, 0}, apply(a, 2, 1, false), 0f);
    }

    @Test
    void flipWorkedByHand() {
        Augmentation a = new Augmentation(1, true);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7}, apply(a, 1, 1, true), 0f);
        // crop (top, right) gives 0 0 0 / 2 3 0 / 5 6 0, then flip
        assertArrayEquals(new float[] {0, 0, 0, 0, 3, 2, 0, 6, 5}, apply(a, 0, 2, true), 0f);
    }

    @Test
    void eachChannelGetsTheSameTransform() {
        Augmentation a = new Augmentation(1, false);
        float[] buf = new float[20];
        // 2 leading values that must stay untouched, then 2 channels of 3x3
        buf[0] = -1;
        buf[1] = -2;
        float[] img = image();
        System.arraycopy(img, 0, buf, 2, 9);
        for (int i = 0; i < 9; i++) {
            buf[11 + i] = 10 * img[i];
        }
        a.apply(buf, 2, 2, 3, 3, 0, 0, false);
        assertArrayEquals(
                new float[] {-1, -2, 0, 0, 0, 0, 1, 2, 0, 4, 5, 0, 0, 0, 0, 10, 20, 0, 40, 50},
                buf,
                0f);
    }

    @Test
    void randomDrawsFollowTheDocumentedOrder() {
        Augmentation a = new Augmentation(1, true);
        for (long seed = 0; seed < 20; seed++) {
            Random twin = new Random(seed);
            int dy = twin.nextInt(3);
            int dx = twin.nextInt(3);
            boolean flip = twin.nextBoolean();
            float[] buf = image();
            a.apply(buf, 0, 1, 3, 3, new Random(seed));
            assertArrayEquals(apply(a, dy, dx, flip), buf, 0f, "seed " + seed);
        }
    }

    @Test
    void flipOnlyDrawsOneBoolean() {
        Augmentation a = new Augmentation(0, true);
        for (long seed = 0; seed < 10; seed++) {
            boolean flip = new Random(seed).nextBoolean();
            float[] buf = image();
            a.apply(buf, 0, 1, 3, 3, new Random(seed));
            float[] expected = flip ? new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7} : image();
            assertArrayEquals(expected, buf, 0f);
        }
    }

    @Test
    void negativePaddingIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, false));
    }

    /** A random source that draws fixed values: every nextInt gives {@code value}, nextBoolean false. */
    private static Random fixed(int value) {
        return new Random() {
            @Override
            public int nextInt(int bound) {
                return value;
            }

            @Override
            public boolean nextBoolean() {
                return false;
            }
        };
    }

    @Test
    void aShiftMeantForTheModelsInputIsScaledToAnImageOfAnotherSize() {
        // Padding 1 at a 1x3 frame; the image is 1x6, twice as wide. Draw dx = 0 (a shift of one frame pixel
        // to the right, dy = 0 alike but the image has one row: shifting it down leaves zeros).
        Augmentation a = new Augmentation(1, false);
        float[] wide = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        // 2 rows x 6 columns, frame 2 x 3: the row shift stays 1 (same height), the column shift doubles to 2.
        a.apply(wide, 0, 1, 2, 6, 2, 3, fixed(0));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, wide, 0f);
        // At the frame's own size the same draw shifts by one pixel each way, as apply without a frame.
        float[] own = image();
        a.apply(own, 0, 1, 3, 3, 3, 3, fixed(0));
        assertArrayEquals(apply(a, 0, 0, false), own, 0f);
    }
}
