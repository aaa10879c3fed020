package dev.pct.train.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfTest {

    /**
     * The value of a non-negative half bit pattern, computed arithmetically from the IEEE 754 definition (not
     * by bit shuffling as {@link Half#toFloat} does). Infinity (0x7C00) stands for 2^16, the value the
     * exponent range would give next: IEEE rounds as if the exponent were unbounded and overflows whatever
     * lands on 2^16 or above, so the overflow threshold 65520 is the midpoint between 65504 and 65536.
     */
    private static BigDecimal magnitudeValue(int magnitudeBits) {
        int exponent = magnitudeBits >>> 10;
        int mantissa = magnitudeBits & 0x3FF;
        if (exponent == 0x1F) {
            assertEquals(0, mantissa, "only infinity has a rounding value");
            return new BigDecimal(65536);
        }
        double value = exponent == 0
                ? Math.scalb((double) mantissa, -24)
                : Math.scalb((double) (1024 + mantissa), exponent - 25);
        return new BigDecimal(value);
    }

    private static String hex(int bits) {
        return String.format("0x%04X", bits & 0xFFFF);
    }

    @Test
    void handWorkedCases() {
        assertEquals(0x3C00, Half.fromFloat(1.0f) & 0xFFFF);
        assertEquals(0xBC00, Half.fromFloat(-1.0f) & 0xFFFF);
        assertEquals(0x7BFF, Half.fromFloat(65504f) & 0xFFFF);
        assertEquals(0x7BFF, Half.fromFloat(65519.996f) & 0xFFFF, "just below the overflow threshold");
        assertEquals(0x7C00, Half.fromFloat(65520f) & 0xFFFF, "the tie at 65520 goes to the even pattern: infinity");
        assertEquals(0xFC00, Half.fromFloat(-65520f) & 0xFFFF);
        assertEquals(0x0001, Half.fromFloat(0x1p-24f) & 0xFFFF, "smallest subnormal");
        assertEquals(0x0000, Half.fromFloat(0x1p-25f) & 0xFFFF, "half the smallest subnormal ties to even zero");
        assertEquals(0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)) & 0xFFFF);
        assertEquals(0x0400, Half.fromFloat(0x1p-14f) & 0xFFFF, "smallest normal");
        assertEquals(0x3555, Half.fromFloat(1f / 3f) & 0xFFFF);
        assertEquals(0x4248, Half.fromFloat(3.140625f) & 0xFFFF);
        assertEquals(0x8000, Half.fromFloat(-0f) & 0xFFFF);
        assertEquals(0x8000, Half.fromFloat(-1e-30f) & 0xFFFF, "negative underflow keeps its sign");
        assertEquals(0x0000, Half.fromFloat(Float.MIN_VALUE) & 0xFFFF, "float subnormals vanish");
        assertEquals(0x7C00, Half.fromFloat(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0xFC00, Half.fromFloat(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7C00, Half.fromFloat(Float.MAX_VALUE) & 0xFFFF);
        assertTrue(Half.isNaN(Half.fromFloat(Float.NaN)));
        // A NaN whose payload lives only in the bits a half drops must not turn into infinity.
        assertTrue(Half.isNaN(Half.fromFloat(Float.intBitsToFloat(0x7F80_0001))));
        assertTrue(Half.isInfinite(Half.POSITIVE_INFINITY));
        // exact: every half value widens exactly to float
        assertEquals(1.0f, Half.toFloat((short) 0x3C00));
        assertEquals(65504f, Half.toFloat((short) 0x7BFF));
        assertEquals(Half.MAX_VALUE, Half.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001));
        assertEquals(-2f, Half.toFloat((short) 0xC000));
    }

    @Test
    void everyHalfWidensExactlyAndRoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short h = (short) bits;
            float f = Half.toFloat(h);
            int exponent = (bits >>> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            boolean negative = (bits & 0x8000) != 0;
            if (exponent == 0x1F && mantissa != 0) {
                assertTrue(Float.isNaN(f), hex(bits) + " is a NaN");
                assertTrue(Half.isNaN(Half.fromFloat(f)), hex(bits) + " stays NaN");
                continue;
            }
            if (exponent == 0x1F) {
                assertEquals(negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY, f, hex(bits));
            } else {
                BigDecimal expected = magnitudeValue(bits & 0x7FFF);
                assertEquals(0, expected.compareTo(new BigDecimal(Math.abs(f))), hex(bits) + " widens exactly");
                assertEquals(negative, (Float.floatToRawIntBits(f) & 0x8000_0000) != 0, hex(bits) + " sign");
            }
            assertEquals(bits, Half.fromFloat(f) & 0xFFFF, hex(bits) + " round-trips");
        }
    }

    @Test
    void midpointsBetweenNeighboursTieToEvenAndTheirNeighboursRoundToTheNearer() {
        for (int low = 0; low < 0x7C00; low++) {
            int high = low + 1;
            // Halves have 11 significant bits, so their midpoints (12 bits) are exact floats.
            float mid = magnitudeValue(low).add(magnitudeValue(high)).divide(BigDecimal.valueOf(2)).floatValue();
            int even = (low & 1) == 0 ? low : high;
            for (int sign : new int[] {0, 0x8000}) {
                float s = sign == 0 ? 1f : -1f;
                assertEquals(sign | even, Half.fromFloat(s * mid) & 0xFFFF, "tie at " + (s * mid));
                assertEquals(sign | low, Half.fromFloat(s * Math.nextDown(mid)) & 0xFFFF, "below " + (s * mid));
                assertEquals(sign | high, Half.fromFloat(s * Math.nextUp(mid)) & 0xFFFF, "above " + (s * mid));
            }
        }
    }

    /**
     * Asserts that {@code Half.fromFloat(f)} is a nearest half: no neighbouring pattern is closer, and on a tie
     * the chosen one has an even mantissa.
     */
    private static void assertNearest(float f) {
        short h = Half.fromFloat(f);
        int bits = h & 0xFFFF;
        if (Float.isNaN(f)) {
            assertTrue(Half.isNaN(h), "NaN " + Integer.toHexString(Float.floatToRawIntBits(f)) + " gave " + hex(bits));
            return;
        }
        boolean negative = (Float.floatToRawIntBits(f) & 0x8000_0000) != 0;
        assertEquals(negative, (bits & 0x8000) != 0, "sign of " + f + " -> " + hex(bits));
        int magnitude = bits & 0x7FFF;
        if (Float.isInfinite(f)) {
            assertEquals(0x7C00, magnitude, f + " -> " + hex(bits));
            return;
        }
        assertTrue(magnitude <= 0x7C00, f + " -> " + hex(bits) + " is not a number");
        BigDecimal target = new BigDecimal(Math.abs((double) f));
        BigDecimal distance = magnitudeValue(magnitude).subtract(target).abs();
        for (int neighbour : new int[] {magnitude - 1, magnitude + 1}) {
            if (neighbour < 0 || neighbour > 0x7C00) {
                continue;
            }
            int cmp = magnitudeValue(neighbour).subtract(target).abs().compareTo(distance);
            if (cmp < 0) {
                fail(f + " -> " + hex(bits) + " but " + hex(neighbour) + " is closer");
            }
            if (cmp == 0 && (magnitude & 1) != 0) {
                fail(f + " -> " + hex(bits) + " on a tie with " + hex(neighbour) + ": should have gone to the even one");
            }
        }
    }

    private static float randomFloatWithExponent(Random random, int minExponent, int maxExponent) {
        int exponent = minExponent + random.nextInt(maxExponent - minExponent + 1);
        int bits = (random.nextBoolean() ? 0x8000_0000 : 0) | ((exponent + 127) << 23) | random.nextInt(1 << 23);
        return Float.intBitsToFloat(bits);
    }

    @Test
    void randomFloatsRoundToANearestHalf() {
        Random random = new Random(20240611L);
        for (int i = 0; i < 100_000; i++) {
            // Any float at all: NaNs, infinities, float subnormals, huge values.
            assertNearest(Float.intBitsToFloat(random.nextInt()));
            // Everywhere a half can land: from below half the smallest subnormal to past the overflow.
            assertNearest(randomFloatWithExponent(random, -27, 17));
            // The subnormal half range, where the rounding position moves with the exponent.
            assertNearest(randomFloatWithExponent(random, -26, -14));
            // Around the largest half and the overflow threshold 65520.
            assertNearest((random.nextBoolean() ? 1 : -1) * (65_400f + 200f * random.nextFloat()));
            // Round-ish values that logits often are.
            assertNearest((float) (random.nextGaussian() * 10));
        }
    }
}
