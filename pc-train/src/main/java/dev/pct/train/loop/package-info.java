/**
 * The training loop: one model trained for some epochs with cross-entropy or focal distillation, its
 * checkpoints, teacher targets and inference over a data set.
 */
package dev.pct.train.loop;
