package dev.pct.train.config;

/**
 * Training-time data augmentation; it changes the input every epoch, so old-model outputs are then
 * computed on the fly instead of once.
 *
 * @param randomCropPadding pixels of zero padding before a random crop back to the original size; 0 turns
 *     random cropping off. YAML {@code random_crop_padding}, an integer &gt;= 0, default 0 (CIFAR recipes use 4)
 * @param horizontalFlip whether to flip images left-right with probability 1/2. YAML {@code horizontal_flip},
 *     default false (off for digits and clothes, where handedness carries little meaning but rarely helps)
 */
public record AugmentConfig(int randomCropPadding, boolean horizontalFlip) {

    /**
     * Returns the defaults: no augmentation.
     *
     * @return {@code {random_crop_padding: 0, horizontal_flip: false}}
     */
    public static AugmentConfig defaults() {
        return new AugmentConfig(0, false);
    }

    /**
     * Returns whether any augmentation is on.
     *
     * @return true if cropping or flipping is enabled
     */
    public boolean enabled() {
        return randomCropPadding > 0 || horizontalFlip;
    }
}
