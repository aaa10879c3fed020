/**
 * The training loop: one model trained for some epochs with cross-entropy or focal distillation, its
 * checkpoints, teacher targets and inference over a data set, and the profile of an epoch ({@link
 * dev.pct.train.loop.EpochProfile}: where its time went, from libtorch's profiler and the loop's phases).
 */
package dev.pct.train.loop;
