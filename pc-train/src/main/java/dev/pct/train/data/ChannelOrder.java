package dev.pct.train.data;

/** The order of the color channels a model expects; written {@code rgb} or {@code bgr} in job files. */
public enum ChannelOrder {
    /** Red, green, blue: what the data readers produce. */
    RGB,
    /** Blue, green, red: what models trained on OpenCV-decoded images usually expect. */
    BGR
}
