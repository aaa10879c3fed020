package dev.pct.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void perChannelMeanAndPopulationStdByHand() {
        // 2 samples, 3 channels, 1x2 pixels.
        // channel 0: 0, 255, 0, 255     -> intensities 0,1,0,1: mean 0.5, std 0.5
        // channel 1: 51, 51, 102, 102   -> 0.2,0.2,0.4,0.4:     mean 0.3, std 0.1
        // channel 2: 7, 7, 7, 7         -> constant:            mean 7/255, std replaced by 1
        byte[] p = {0, (byte) 255, 51, 51, 7, 7, 0, (byte) 255, 102, 102, 7, 7};
        ImageSet set = ImageSet.of(p, new int[] {0, 1}, 2, 3, 1, 2, List.of(), "t");
        Normalizer n = Normalizer.fit(set);
        // Exact integer sums, then double, rounded once to float: within an ulp (≤ 6e-8 below 1); 1e-6 is margin.
        assertArrayEquals(new float[] {0.5f, 0.3f, 7 / 255f}, n.mean(), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.1f, 1f}, n.std(), 1e-6f);

        float[] buf = {1f, 0f, 0.5f, 0.2f, 1f, 0f};
        n.apply(buf, 0, 2);
        // (x - m) * (1/std) in float32: the inputs' representation error (~1e-8) times 1/std = 10, plus rounding
        // of values up to 2: ~3e-7; 1e-5 is margin.
        assertArrayEquals(new float[] {1f, -1f, 2f, -1f, 1f - 7 / 255f, -7 / 255f}, buf, 1e-5f);
    }

    @Test
    void identityLeavesValues() {
        float[] buf = {0.25f, 0.75f};
        Normalizer.identity(1).apply(buf, 0, 2);
        assertArrayEquals(new float[] {0.25f, 0.75f}, buf, 0f); // exact: (x - 0) * 1
    }

    @Test
    void nonPositiveStdIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Normalizer(new float[] {0}, new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Normalizer(new float[] {0, 1}, new float[] {1}));
    }
}
