package dev.pct.train.data;

import java.awt.image.BufferedImage;

/**
 * One decoded image: intensities in [0, 1], channel planes one after the other (C×H×W).
 *
 * @param values the intensities, {@code channels * height * width} of them
 * @param channels the number of channels
 * @param height the height in pixels
 * @param width the width in pixels
 */
public record Image(float[] values, int channels, int height, int width) {

    /** Checks the size. */
    public Image {
        if (values.length != channels * height * width) {
            throw new IllegalArgumentException("image of " + channels + "x" + height + "x" + width + " has "
                    + values.length + " values");
        }
    }

    /**
     * Returns the image as pixels to look at: 3 channels as RGB, any other count as the grayscale of its first
     * channel; intensities rounded to 8 bits.
     *
     * @return a new image of {@code width} × {@code height}
     */
    public BufferedImage toBufferedImage() {
        boolean rgb = channels == 3;
        BufferedImage image = new BufferedImage(width, height, rgb ? BufferedImage.TYPE_INT_RGB
                : BufferedImage.TYPE_BYTE_GRAY);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (rgb) {
                    image.setRGB(x, y, byteOf(values[i]) << 16 | byteOf(values[plane + i]) << 8
                            | byteOf(values[2 * plane + i]));
                } else {
                    image.getRaster().setSample(x, y, 0, byteOf(values[i]));
                }
            }
        }
        return image;
    }

    private static int byteOf(float intensity) {
        return Math.round(Math.max(0f, Math.min(1f, intensity)) * 255f);
    }
}
