package dev.pct.train.config;

import dev.pct.train.data.ChannelOrder;
import dev.pct.train.data.ResizeMode;
import java.util.List;

/**
 * The input a model from a file expects, which is its own and not the new model's: a production model was
 * trained with some image size, normalization and channel order, and must be fed exactly that.
 *
 * @param imageSize {@code [height, width]} images are resized to (bilinear); YAML {@code image_size}; empty
 *     (default) keeps the data's size (for an image folder, the new model's {@code data.image_size})
 * @param channels 1 (grayscale) or 3 (RGB); grayscale data is replicated to 3 channels, color data becomes
 *     luma (ITU-R BT.601) for 1; 0 (default) keeps the data's channels
 * @param channelOrder {@code rgb} (default) or {@code bgr}; YAML {@code channel_order}
 * @param mean per-channel mean subtracted from intensities in [0, 1]; one value per channel, or empty
 *     (default) for none. Required for TorchScript and ONNX old models
 * @param std per-channel standard deviation the centered intensities are divided by; as {@code mean}
 * @param resize how images of another size reach {@code image_size}: {@code stretch} (default) or {@code
 *     center_crop}, as {@code data.resize}
 * @param cropFraction for {@code center_crop}, the share of the resized image kept; YAML {@code
 *     crop_fraction}, default 0.875
 */
public record PreprocessingConfig(
        List<Integer> imageSize, int channels, ChannelOrder channelOrder, List<Double> mean, List<Double> std,
        ResizeMode resize, double cropFraction) {

    /** Makes the lists immutable. */
    public PreprocessingConfig {
        imageSize = Lists.copy(imageSize);
        mean = Lists.copy(mean);
        std = Lists.copy(std);
    }

    /**
     * Returns the defaults: the data's size and channels, RGB, no normalization, stretched.
     *
     * @return the default preprocessing
     */
    public static PreprocessingConfig defaults() {
        return new PreprocessingConfig(List.of(), 0, ChannelOrder.RGB, List.of(), List.of(), ResizeMode.STRETCH,
                0.875);
    }
}
