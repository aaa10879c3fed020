/**
 * The training loop: one model trained for some epochs with cross-entropy or focal distillation, its
 * checkpoints and inference over a data set, and the profile of an epoch ({@link
 * dev.pct.train.loop.EpochProfile}: where its time went, from libtorch's profiler and the loop's phases).
 *
 * <p>{@link dev.pct.train.loop.TrainingSettings} is how one model is trained (epochs, batch, optimizer,
 * schedule, regularization); the job file's {@code training} section binds onto it directly.
 */
package dev.pct.train.loop;
