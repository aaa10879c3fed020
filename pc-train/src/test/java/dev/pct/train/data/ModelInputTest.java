package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
        // 4x4 -> 2x2 samples at 0.5 and 2.5: the mean of each 2x2 quadrant for this linear ramp.
        float[] ramp = new float[16];
        for (int i = 0; i < 16; i++) {
            ramp[i] = i;
        }
        ModelInput down = new ModelInput(1, 2, 2, ChannelOrder.RGB, Normalizer.identity(1));
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, prepare(down, ramp, 1, 4, 4), 1e-6f);
    }
}
