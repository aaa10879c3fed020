/**
 * In-memory image data for the training job: readers for IDX (MNIST, Fashion-MNIST), CIFAR-10/100
 * binary and image folders, a synthetic source, seeded splits, per-channel normalization,
 * augmentation, and {@link dev.pct.train.data.BatchMaker}, which builds a whole batch tensor from
 * host arrays in one native call (DJL's per-sample {@code Dataset} machinery is not used).
 *
 * <p>Pixels are kept as unsigned bytes ({@code value / 255} is the intensity in [0, 1]), so the
 * 50k-image CIFAR training set needs 150 MB, not 600 MB as float32.
 */
package dev.pct.train.data;
