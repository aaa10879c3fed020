package dev.pct.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;

/**
 * The per-channel standardization {@code (x - mean[c]) / std[c]} as a block, put in front of an exported
 * model so that it takes images as intensities in [0, 1], the way the data readers produce them.
 *
 * <p>It computes {@code (x - mean) * (1 / std)} with the reciprocal rounded to float32 first, the same two
 * roundings as the training pipeline's host-side normalization, so that an exported model gives the logits
 * the job measured.
 */
public final class InputNormalization {

    private InputNormalization() {}

    /**
     * Returns the block.
     *
     * @param mean the mean intensity of each channel
     * @param std the standard deviation of each channel, &gt; 0
     * @return a parameterless block mapping (N, C, H, W) to the same shape
     * @throws IllegalArgumentException if the lengths differ or a deviation is not positive
     */
    public static Block block(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException(
                    "normalization needs one mean and one std per channel, got " + mean.length + " and " + std.length);
        }
        float[] shift = mean.clone();
        float[] scale = new float[std.length];
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("normalization std of channel " + c + " must be > 0, got " + std[c]);
            }
            scale[c] = 1f / std[c];
        }
        return new LambdaBlock(inputs -> {
            NDArray x = inputs.singletonOrThrow();
            Shape perChannel = new Shape(1, shift.length, 1, 1);
            // Arrays the engine reads on this call's device; they live as long as the input's manager.
            NDArray m = x.getManager().create(shift, perChannel).toDevice(x.getDevice(), false);
            NDArray s = x.getManager().create(scale, perChannel).toDevice(x.getDevice(), false);
            return new NDList(x.sub(m).mul(s));
        }, "normalize");
    }
}
