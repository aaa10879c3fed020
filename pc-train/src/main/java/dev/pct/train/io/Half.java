package dev.pct.train.io;

/**
 * Conversions between {@code float} and IEEE 754 binary16 ("half precision", float16) bit patterns.
 *
 * <p>Java 17 has no {@code Float.floatToFloat16} (it came in Java 20), so this does it by hand. A half has a
 * sign bit, 5 exponent bits (bias 15) and 10 mantissa bits: normal values from 2<sup>-14</sup> to 65504,
 * subnormals down to 2<sup>-24</sup>, about 3.3 significant decimal digits.
 */
public final class Half {

    /** The largest finite half, 65504 (bit pattern {@code 0x7BFF}). */
    public static final float MAX_VALUE = 65504f;

    /** The bit pattern of positive infinity. */
    public static final short POSITIVE_INFINITY = (short) 0x7C00;

    private static final int EXPONENT_MASK = 0x7C00;
    private static final int MANTISSA_MASK = 0x03FF;
    private static final int QUIET_NAN_BIT = 0x0200;

    private Half() {}

    /**
     * Rounds a float to the nearest half, ties to even, as IEEE 754 prescribes.
     *
     * <p>NaN stays NaN (keeping the sign and as much of the payload as fits, with the quiet bit set when
     * nothing else would be left); magnitudes that round beyond 65504, i.e. from 65520 up, become infinity of
     * the same sign; magnitudes below 2<sup>-14</sup> become subnormal halves or signed zero.
     *
     * @param f the value
     * @return the bits of the nearest half
     */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF) {
            if (mantissa == 0) {
                return (short) (sign | EXPONENT_MASK);
            }
            int payload = mantissa >>> 13;
            return (short) (sign | EXPONENT_MASK | (payload != 0 ? payload : QUIET_NAN_BIT));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | EXPONENT_MASK);
        }
        if (halfExponent <= 0) {
            // Subnormal half (or zero). Below 2^-25 everything rounds to zero (2^-25 itself is a tie that goes
            // to the even zero); float subnormals land here too.
            if (halfExponent < -10) {
                return (short) sign;
            }
            // The float is m × 2^(halfExponent - 38) with a 24-bit m; in units of 2^-24 that is m >> (14 - e).
            int significand = mantissa | 0x80_0000;
            int shift = 14 - halfExponent;
            int result = significand >>> shift;
            int remainder = significand & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (remainder > halfway || (remainder == halfway && (result & 1) != 0)) {
                result++; // may carry into the exponent field: 0x400 is the smallest normal half, as it should
            }
            return (short) (sign | result);
        }
        int result = (halfExponent << 10) | (mantissa >>> 13);
        int remainder = mantissa & 0x1FFF;
        if (remainder > 0x1000 || (remainder == 0x1000 && (result & 1) != 0)) {
            result++; // a carry out of the mantissa bumps the exponent; out of 0x7BFF it gives 0x7C00, infinity
        }
        return (short) (sign | result);
    }

    /**
     * Widens a half to a float; every half is exactly representable as a float, so this is exact.
     *
     * @param h the bits of a half
     * @return its value
     */
    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits & EXPONENT_MASK) >>> 10;
        int mantissa = bits & MANTISSA_MASK;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // exact: mantissa has at most 10 bits
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /**
     * Tells whether a half is infinite.
     *
     * @param h the bits of a half
     * @return true for positive or negative infinity
     */
    public static boolean isInfinite(short h) {
        return (h & 0x7FFF) == EXPONENT_MASK;
    }

    /**
     * Tells whether a half is NaN.
     *
     * @param h the bits of a half
     * @return true for any NaN pattern
     */
    public static boolean isNaN(short h) {
        return (h & EXPONENT_MASK) == EXPONENT_MASK && (h & MANTISSA_MASK) != 0;
    }
}
