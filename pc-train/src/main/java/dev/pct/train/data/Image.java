package dev.pct.train.data;

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
}
