package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Tolerances: float32 normalization and resizing of values below 3 against float literals, a few ulps (ulp ≤ 2.4e-7):
 * 1e-6. The shrinking resizes give values up to ~23 (ulp 1.9e-6) from separable 3- and 4-tap filters normalized by
 * their weight sum: a few ulps, hence 1e-5. Channel copies are exact (0f).
 */
class ModelInputTest {

    private static float[] prepare(ModelInput input, float[] src, int c, int h, int w) {
        float[] out = new float[input.sampleSize()];
        input.apply(src, 0, c, h, w, out, 0);
        return out;
    }

    @Test
    void normalizesPerChannelOnTheModelsChannels() {
        // 2x1 RGB image, channel planes: R = (0.2, 0.4), G = (0.6, 0.8), B = (1.0, 0.0).
        float[] rgb = {0.2f, 0.4f, 0.6f, 0.8f, 1.0f, 0.0f};
        ModelInput input = new ModelInput(3, 1, 2, ChannelOrder.RGB,
                new Normalizer(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.25f, 1f}));
        assertArrayEquals(new float[] {-0.6f, -0.2f, 0.4f, 1.2f, 0.5f, -0.5f}, prepare(input, rgb, 3, 1, 2), 1e-6f);
    }

    @Test
    void bgrReversesTheColorPlanesBeforeNormalizing() {
        float[] rgb = {0.2f, 0.4f, 0.6f, 0.8f, 1.0f, 0.0f};
        ModelInput bgr = new ModelInput(3, 1, 2, ChannelOrder.BGR,
                new Normalizer(new float[] {0f, 0f, 0.5f}, new float[] {1f, 1f, 1f}));
        // B plane first; the third (now red) plane minus 0.5.
        assertArrayEquals(new float[] {1.0f, 0.0f, 0.6f, 0.8f, -0.3f, -0.1f}, prepare(bgr, rgb, 3, 1, 2), 1e-6f);
    }

    @Test
    void grayscaleAndRgbConvertIntoEachOther() {
        float[] gray = {0.25f, 1f};
        ModelInput toRgb = new ModelInput(3, 1, 2, ChannelOrder.RGB, Normalizer.identity(3));
        assertArrayEquals(new float[] {0.25f, 1f, 0.25f, 1f, 0.25f, 1f}, prepare(toRgb, gray, 1, 1, 2), 0f);
        float[] rgb = {1f, 0f, 0f, 1f, 0f, 0f};
        ModelInput toGray = new ModelInput(1, 1, 2, ChannelOrder.RGB, Normalizer.identity(1));
        // BT.601 luma: pure red 0.299, pure green 0.587.
        assertArrayEquals(new float[] {0.299f, 0.587f}, prepare(toGray, rgb, 3, 1, 2), 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> prepare(new ModelInput(2, 1, 2, ChannelOrder.RGB, Normalizer.identity(2)), rgb, 3, 1, 2));
        assertTrue(e.getMessage().contains("2-channel input of 3-channel images"), e.getMessage());
    }

    @Test
    void resizesBilinearlyWithHalfPixelCenters() {
        // 2x2 -> 4x4: output pixel (y, x) samples the source at ((y + 0.5) / 2 - 0.5, ...), clamped at 0 and 1.
        float[] src = {0f, 1f, 2f, 3f};
        ModelInput up = new ModelInput(1, 4, 4, ChannelOrder.RGB, Normalizer.identity(1));
        float[] expected = {
            0f, 0.25f, 0.75f, 1f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2f, 2.25f, 2.75f, 3f};
        assertArrayEquals(expected, prepare(up, src, 1, 2, 2), 1e-6f);
        // 4x4 -> 2x2 shrinks: the triangle filter widens to 2 source pixels (antialiasing, as Pillow). Per
        // axis, output 0 is centred on 1.0: pixels 0, 1, 2 (centres 0.5, 1.5, 2.5) weigh 0.75, 0.75, 0.25
        // (pixel -1 is outside), normalized by 1.75: a = (0 * .75 + 1 * .75 + 2 * .25) / 1.75 = 5/7; output 1
        // centred on 3.0: (1 * .25 + 2 * .75 + 3 * .75) / 1.75 = 16/7. The ramp is 4 * row + column.
        // Pillow's Image.resize((2, 2), BILINEAR) on this array gives the same four values.
        ModelInput down = new ModelInput(1, 2, 2, ChannelOrder.RGB, Normalizer.identity(1));
        float a0 = 5f / 7;
        float a1 = 16f / 7;
        assertArrayEquals(new float[] {4 * a0 + a0, 4 * a0 + a1, 4 * a1 + a0, 4 * a1 + a1},
                prepare(down, ramp(4, 4), 1, 4, 4), 1e-5f);
    }

    private static float[] ramp(int h, int w) {
        float[] ramp = new float[h * w];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i;
        }
        return ramp;
    }

    @Test
    void centerCropKeepsTheCentreOfTheResizedImage() {
        // 4x4 at crop fraction 0.5 -> 2x2: no resize (2 / 0.5 = 4), the central 2x2 block: rows and columns 1, 2.
        ModelInput half = new ModelInput(1, 2, 2, ChannelOrder.RGB, ResizeMode.CENTER_CROP, 0.5,
                Normalizer.identity(1));
        assertArrayEquals(new float[] {5f, 6f, 9f, 10f}, prepare(half, ramp(4, 4), 1, 4, 4), 1e-6f);
        // 4x8 (ramp 8 * row + column) at fraction 1 -> 2x2: shorter side 4 -> 2 (scale 1/2), the 2x4 result's
        // central columns. Rows as in the shrinking case above: 5/7 and 16/7. Columns: output 0 is centred on
        // source 3.0 (crop offset 2 + 0.5 * 2): pixels 1..4 weigh .25, .75, .75, .25 -> (1 * .25 + 2 * .75 +
        // 3 * .75 + 4 * .25) / 2 = 2.5; output 1 on 5.0 -> 4.5. torchvision's Resize(2) then CenterCrop(2) on
        // a Pillow image gives the same.
        ModelInput crop = new ModelInput(1, 2, 2, ChannelOrder.RGB, ResizeMode.CENTER_CROP, 1.0,
                Normalizer.identity(1));
        float r0 = 8 * 5f / 7;
        float r1 = 8 * 16f / 7;
        assertArrayEquals(new float[] {r0 + 2.5f, r0 + 4.5f, r1 + 2.5f, r1 + 4.5f},
                prepare(crop, ramp(4, 8), 1, 4, 8), 1e-5f);
        // A tall image crops rows instead: 8x4 with ramp 4 * row + column, transposed roles.
        float c0 = 5f / 7;
        float c1 = 16f / 7;
        assertArrayEquals(new float[] {4 * 2.5f + c0, 4 * 2.5f + c1, 4 * 4.5f + c0, 4 * 4.5f + c1},
                prepare(crop, ramp(8, 4), 1, 8, 4), 1e-5f);
    }
}
