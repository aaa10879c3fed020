package dev.pct.train.data;

/** How an image of another size becomes a model's input size; written {@code stretch} or {@code center_crop}. */
public enum ResizeMode {
    /** Bilinear resize to the input size, aspect ratio not kept (right for data of one size already). */
    STRETCH,
    /**
     * Resize so that the input size is the central {@code crop_fraction} of the image's shorter side, then
     * take the center: torchvision's {@code Resize(size / crop_fraction)} and {@code CenterCrop(size)}, the
     * usual evaluation transform of ImageNet models (crop fraction 0.875: 256 then 224).
     */
    CENTER_CROP
}
