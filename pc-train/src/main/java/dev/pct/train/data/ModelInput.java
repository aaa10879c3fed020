package dev.pct.train.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one model expects as input, made from an image's intensities in [0, 1]: its size (bilinear resize),
 * its channels (grayscale replicated to RGB, or RGB to ITU-R BT.601 luma), its channel order and its
 * per-channel normalization.
 *
 * <p>The old and the new model of an update are usually trained with different preprocessing; each gets
 * its own {@code ModelInput} over the same samples.
 *
 * @param channels the channels the model takes (1 and 3 convert into each other; other counts must match
 *     the data's)
 * @param height the image height the model takes
 * @param width the image width the model takes
 * @param channelOrder the order of 3 color channels
 * @param normalizer the per-channel standardization, applied last (on the model's channels, in its order)
 */
public record ModelInput(int channels, int height, int width, ChannelOrder channelOrder, Normalizer normalizer) {

    /** Validates the values. */
    public ModelInput {
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(normalizer, "normalizer");
        if (channels < 1) {
            throw new IllegalArgumentException("a model input has at least 1 channel, got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("a model input is at least 1x1, got " + height + "x" + width);
        }
        if (normalizer.channels() != channels) {
            throw new IllegalArgumentException("normalization has " + normalizer.channels() + " channels, the input "
                    + channels);
        }
    }

    /**
     * Returns the input that keeps the data's shape and applies a normalization.
     *
     * @param data the data set
     * @param normalizer its normalization
     * @return the input
     */
    public static ModelInput of(ImageSet data, Normalizer normalizer) {
        return new ModelInput(data.channels(), data.height(), data.width(), ChannelOrder.RGB, normalizer);
    }

    /**
     * Returns the number of values of one prepared sample.
     *
     * @return channels × height × width
     */
    public int sampleSize() {
        return channels * height * width;
    }

    /**
     * Returns whether this input only normalizes samples of the given shape (no resize, no channel change).
     *
     * @param c the source channels
     * @param h the source height
     * @param w the source width
     * @return true when shape and order are kept
     */
    public boolean keepsShape(int c, int h, int w) {
        return c == channels && h == height && w == width && (channels == 1 || channelOrder == ChannelOrder.RGB);
    }

    /**
     * Prepares one sample.
     *
     * @param src the source intensities in [0, 1], C×H×W at {@code src} offset
     * @param srcOffset where the sample starts
     * @param c the source channels (1 or 3)
     * @param h the source height
     * @param w the source width
     * @param out the destination, {@link #sampleSize()} values at {@code outOffset}
     * @param outOffset where the prepared sample starts
     */
    public void apply(float[] src, int srcOffset, int c, int h, int w, float[] out, int outOffset) {
        int plane = height * width;
        if (c != channels && !(c == 1 && channels == 3) && !(c == 3 && channels == 1)) {
            throw new IllegalArgumentException("cannot make " + channels + "-channel input of " + c + "-channel images;"
                    + " grayscale and RGB convert into each other, other counts must match");
        }
        if (keepsShape(c, h, w)) {
            System.arraycopy(src, srcOffset, out, outOffset, c * h * w);
        } else {
            float[][] planes = new float[c][];
            for (int k = 0; k < c; k++) {
                float[] p = Arrays.copyOfRange(src, srcOffset + k * h * w, srcOffset + (k + 1) * h * w);
                planes[k] = h == height && w == width ? p : resizeBilinear(p, h, w, height, width);
            }
            for (int k = 0; k < channels; k++) {
                float[] p;
                if (c == channels) {
                    p = planes[channels == 3 && channelOrder == ChannelOrder.BGR ? 2 - k : k];
                } else if (channels == 3) {
                    p = planes[0];
                } else {
                    p = luma(planes);
                }
                System.arraycopy(p, 0, out, outOffset + k * plane, plane);
            }
        }
        normalizer.apply(out, outOffset, plane);
    }

    private static float[] luma(float[][] rgb) {
        float[] out = new float[rgb[0].length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (0.299 * rgb[0][j] + 0.587 * rgb[1][j] + 0.114 * rgb[2][j]);
        }
        return out;
    }

    /**
     * Resizes one plane bilinearly with half-pixel centers (as PyTorch's {@code interpolate} with {@code
     * align_corners=False}, without antialiasing).
     *
     * @param src the plane, h0×w0
     * @param h0 its height
     * @param w0 its width
     * @param h the new height
     * @param w the new width
     * @return the resized plane, h×w
     */
    public static float[] resizeBilinear(float[] src, int h0, int w0, int h, int w) {
        float[] out = new float[h * w];
        double sy = (double) h0 / h;
        double sx = (double) w0 / w;
        for (int y = 0; y < h; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, h0 - 1);
            int y1 = Math.min(y0 + 1, h0 - 1);
            double ay = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, w0 - 1);
                int x1 = Math.min(x0 + 1, w0 - 1);
                double ax = fx - x0;
                double top = src[y0 * w0 + x0] * (1 - ax) + src[y0 * w0 + x1] * ax;
                double bottom = src[y1 * w0 + x0] * (1 - ax) + src[y1 * w0 + x1] * ax;
                out[y * w + x] = (float) (top * (1 - ay) + bottom * ay);
            }
        }
        return out;
    }
}
