package dev.pct.train.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one model expects as input, made from an image's intensities in [0, 1]: its size (bilinear resize,
 * stretched or center-cropped), its channels (grayscale replicated to RGB, or RGB to ITU-R BT.601 luma), its
 * channel order and its per-channel normalization.
 *
 * <p>The old and the new model of an update are usually trained with different preprocessing; each gets
 * its own {@code ModelInput} over the same samples.
 *
 * @param channels the channels the model takes (1 and 3 convert into each other; other counts must match
 *     the data's)
 * @param height the image height the model takes
 * @param width the image width the model takes
 * @param channelOrder the order of 3 color channels
 * @param resize how an image of another size is brought to the input size
 * @param cropFraction for {@link ResizeMode#CENTER_CROP}: the share of the resized shorter side kept, in (0, 1]
 * @param normalizer the per-channel standardization, applied last (on the model's channels, in its order)
 */
public record ModelInput(
        int channels,
        int height,
        int width,
        ChannelOrder channelOrder,
        ResizeMode resize,
        double cropFraction,
        Normalizer normalizer) {

    /** Validates the values. */
    public ModelInput {
        Objects.requireNonNull(channelOrder, "channelOrder");
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(normalizer, "normalizer");
        if (!(cropFraction > 0 && cropFraction <= 1)) {
            throw new IllegalArgumentException("crop fraction must be in (0, 1], got " + cropFraction);
        }
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
     * Returns an input that stretches other sizes to its own.
     *
     * @param channels the channels the model takes
     * @param height the input height
     * @param width the input width
     * @param channelOrder the order of 3 color channels
     * @param normalizer the per-channel standardization
     */
    public ModelInput(int channels, int height, int width, ChannelOrder channelOrder, Normalizer normalizer) {
        this(channels, height, width, channelOrder, ResizeMode.STRETCH, 1.0, normalizer);
    }

    /**
     * Returns this input with another normalization.
     *
     * @param other the normalization
     * @return the input
     */
    public ModelInput withNormalizer(Normalizer other) {
        return new ModelInput(channels, height, width, channelOrder, resize, cropFraction, other);
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
        return c == channels && h == height && w == width && (channels == 1 || channelOrder == ChannelOrder.RGB)
                && (resize == ResizeMode.STRETCH || cropFraction == 1.0);
    }

    /**
     * Prepares one image, normalization included.
     *
     * @param image the decoded image
     * @param out the destination, {@link #sampleSize()} values at {@code outOffset}
     * @param outOffset where the prepared sample starts
     */
    public void apply(Image image, float[] out, int outOffset) {
        shape(image.values(), 0, image.channels(), image.height(), image.width(), out, outOffset);
        normalize(out, outOffset);
    }

    /**
     * Normalizes one prepared sample in place.
     *
     * @param out the sample's buffer
     * @param offset where it starts
     */
    public void normalize(float[] out, int offset) {
        normalizer.apply(out, offset, height * width);
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
        shape(src, srcOffset, c, h, w, out, outOffset);
        normalize(out, outOffset);
    }

    /**
     * Brings one sample to the input's size, channels and channel order, without normalizing it (augmentation
     * comes between the two).
     *
     * @param src the source intensities, C×H×W at {@code srcOffset}
     * @param srcOffset where the sample starts
     * @param c the source channels
     * @param h the source height
     * @param w the source width
     * @param out the destination, {@link #sampleSize()} values at {@code outOffset}
     * @param outOffset where the prepared sample starts
     */
    public void shape(float[] src, int srcOffset, int c, int h, int w, float[] out, int outOffset) {
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
                planes[k] = h == height && w == width && resize == ResizeMode.STRETCH ? p : resizePlane(p, h, w);
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
    }

    /** One plane to the input size: stretched, or the center crop of the resized image. */
    private float[] resizePlane(float[] p, int h0, int w0) {
        if (resize == ResizeMode.STRETCH) {
            return resizeBilinear(p, h0, w0, height, width);
        }
        // Output pixels per source pixel, such that the input is the central crop fraction of the shorter side.
        double scale = Math.max((double) height / h0, (double) width / w0) / cropFraction;
        double top = (h0 - height / scale) / 2;
        double left = (w0 - width / scale) / 2;
        return resample(p, h0, w0, top, left, 1 / scale, 1 / scale, height, width);
    }

    private static float[] luma(float[][] rgb) {
        float[] out = new float[rgb[0].length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (0.299 * rgb[0][j] + 0.587 * rgb[1][j] + 0.114 * rgb[2][j]);
        }
        return out;
    }

    /**
     * Resizes one plane with a bilinear (triangle) filter and half-pixel centers; when shrinking, the filter
     * widens to the scale factor (antialiasing), as Pillow's {@code BILINEAR} resize and torchvision's {@code
     * Resize(antialias=True)} do, so that a model trained on Pillow-resized images sees the same input. When
     * enlarging it equals PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}.
     *
     * @param src the plane, h0×w0
     * @param h0 its height
     * @param w0 its width
     * @param h the new height
     * @param w the new width
     * @return the resized plane, h×w
     */
    public static float[] resizeBilinear(float[] src, int h0, int w0, int h, int w) {
        return resample(src, h0, w0, 0, 0, (double) h0 / h, (double) w0 / w, h, w);
    }

    /**
     * Resamples a window of a plane, rows then columns: output pixel (y, x) is centered on the source point
     * {@code (top + (y + 0.5) sy, left + (x + 0.5) sx)} (pixel j covering [j, j + 1]).
     */
    private static float[] resample(float[] src, int h0, int w0, double top, double left, double sy, double sx,
            int h, int w) {
        Taps rows = Taps.of(h0, h, top, sy);
        Taps cols = Taps.of(w0, w, left, sx);
        // Vertical pass: h × w0.
        float[] mid = new float[h * w0];
        for (int y = 0; y < h; y++) {
            int first = rows.first[y];
            float[] weights = rows.weights[y];
            for (int k = 0; k < weights.length; k++) {
                float wk = weights[k];
                int base = (first + k) * w0;
                for (int x = 0; x < w0; x++) {
                    mid[y * w0 + x] += wk * src[base + x];
                }
            }
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int first = cols.first[x];
                float[] weights = cols.weights[x];
                float sum = 0;
                for (int k = 0; k < weights.length; k++) {
                    sum += weights[k] * mid[y * w0 + first + k];
                }
                out[y * w + x] = sum;
            }
        }
        return out;
    }

    /** The filter taps of one axis: per output index, the first source index and the normalized weights. */
    private record Taps(int[] first, float[][] weights) {
        static Taps of(int in, int out, double start, double step) {
            double support = Math.max(1.0, step);
            int[] first = new int[out];
            float[][] weights = new float[out][];
            for (int i = 0; i < out; i++) {
                double center = start + (i + 0.5) * step;
                int lo = Math.max(0, (int) Math.floor(center - support));
                int hi = Math.min(in - 1, (int) Math.ceil(center + support));
                double[] raw = new double[hi - lo + 1];
                double total = 0;
                for (int j = lo; j <= hi; j++) {
                    double v = Math.max(0, 1 - Math.abs(j + 0.5 - center) / support);
                    raw[j - lo] = v;
                    total += v;
                }
                if (total == 0) {
                    // A window outside the image (a crop past its edge): the nearest pixel.
                    int nearest = Math.min(in - 1, Math.max(0, (int) Math.floor(center)));
                    first[i] = nearest;
                    weights[i] = new float[] {1f};
                    continue;
                }
                first[i] = lo;
                weights[i] = new float[raw.length];
                for (int k = 0; k < raw.length; k++) {
                    weights[i][k] = (float) (raw[k] / total);
                }
            }
            return new Taps(first, weights);
        }
    }
}
