package dev.pct.train.data;

import java.util.Random;

/**
 * A random training-time augmentation of one image: zero padding and a random crop back to the
 * original size, then a horizontal flip with probability 1/2.
 *
 * <p>It works on intensities in [0, 1] before normalization, so the padding is black, as in
 * torchvision's {@code RandomCrop(padding=p)} followed by {@code Normalize}.
 *
 * @param randomCropPadding the padding {@code p} on each side, >= 0; 0 disables cropping
 * @param horizontalFlip whether to flip left-right with probability 1/2
 */
public record Augmentation(int randomCropPadding, boolean horizontalFlip) {

    /** The augmentation that changes nothing. */
    public static final Augmentation NONE = new Augmentation(0, false);

    /** Validates the padding. */
    public Augmentation {
        if (randomCropPadding < 0) {
            throw new IllegalArgumentException(
                    "randomCropPadding must be >= 0, got " + randomCropPadding);
        }
    }

    /**
     * Returns whether this augmentation leaves every image unchanged.
     *
     * @return true when there is neither cropping nor flipping
     */
    public boolean isIdentity() {
        return randomCropPadding == 0 && !horizontalFlip;
    }

    /**
     * Augments one C×H×W sample in place.
     *
     * <p>Random draws, in this order: the crop's row offset {@code dy} and column offset {@code dx}
     * as {@code rng.nextInt(2p + 1)} each (only when {@code p > 0}), then the flip as {@code
     * rng.nextBoolean()} (only when flipping is on).
     *
     * @param buf the buffer
     * @param offset where the sample starts
     * @param channels the number of channels
     * @param height the image height
     * @param width the image width
     * @param rng the source of randomness
     */
    public void apply(float[] buf, int offset, int channels, int height, int width, Random rng) {
        apply(buf, offset, channels, height, width, height, width, rng);
    }

    /**
     * Augments one C×H×W sample in place whose size may differ from the size the padding is meant for: the
     * shift is scaled to the image, so an image twice the model's input size is shifted twice as many
     * pixels, the same share of it. The random draws are those of {@link #apply(float[], int, int, int, int,
     * Random)}, so two views of a sample augmented with equal seeds are augmented alike.
     *
     * @param buf the buffer
     * @param offset where the sample starts
     * @param channels the number of channels
     * @param height the image height
     * @param width the image width
     * @param frameHeight the height the padding is in pixels of (the new model's input)
     * @param frameWidth the width the padding is in pixels of
     * @param rng the source of randomness
     */
    public void apply(float[] buf, int offset, int channels, int height, int width, int frameHeight,
            int frameWidth, Random rng) {
        int p = randomCropPadding;
        int dy = p > 0 ? rng.nextInt(2 * p + 1) : p;
        int dx = p > 0 ? rng.nextInt(2 * p + 1) : p;
        boolean flip = horizontalFlip && rng.nextBoolean();
        if (height != frameHeight) {
            dy = p + (int) Math.round((dy - p) * (double) height / frameHeight);
        }
        if (width != frameWidth) {
            dx = p + (int) Math.round((dx - p) * (double) width / frameWidth);
        }
        apply(buf, offset, channels, height, width, dy, dx, flip);
    }

    /**
     * Applies a given crop and flip to one C×H×W sample in place.
     *
     * <p>With padding {@code p}, the result is {@code out[c][y][x] = in[c][y + dy - p][x' + dx -
     * p]} (0 outside the image), where {@code x' = width - 1 - x} when flipping and {@code x}
     * otherwise; {@code dy = dx = p} is the centre crop, i.e. no shift.
     *
     * @param buf the buffer
     * @param offset where the sample starts
     * @param channels the number of channels
     * @param height the image height
     * @param width the image width
     * @param dy the crop's row offset in the padded image: p is no shift; [0, 2p] at the frame size, scaled beyond
     * @param dx the crop's column offset in the padded image, in [0, 2p]
     * @param flip whether to flip left-right after cropping
     */
    public void apply(
            float[] buf,
            int offset,
            int channels,
            int height,
            int width,
            int dy,
            int dx,
            boolean flip) {
        int sy = dy - randomCropPadding;
        int sx = dx - randomCropPadding;
        if (sy == 0 && sx == 0 && !flip) {
            return;
        }
        int plane = height * width;
        float[] row = new float[width];
        float[] src = new float[plane];
        for (int c = 0; c < channels; c++) {
            int base = offset + c * plane;
            System.arraycopy(buf, base, src, 0, plane);
            for (int y = 0; y < height; y++) {
                int yy = y + sy;
                for (int x = 0; x < width; x++) {
                    int xx = x + sx;
                    row[x] =
                            yy >= 0 && yy < height && xx >= 0 && xx < width
                                    ? src[yy * width + xx]
                                    : 0f;
                }
                int dst = base + y * width;
                for (int x = 0; x < width; x++) {
                    buf[dst + x] = flip ? row[width - 1 - x] : row[x];
                }
            }
        }
    }
}
