/**
 * References: what the distillation term pulls a PC model toward, the old model (the paper's focal
 * distillation) or an ensemble of plain retrains of the new architecture (ELODI).
 *
 * <p>{@link dev.pct.train.reference.Reference} says which, and for an ensemble how many members and whose
 * decisions weight the samples ({@link dev.pct.train.reference.WeightsFrom}); {@link
 * dev.pct.train.reference.MeanOldModel} averages the members' logits. The flips are always counted against the
 * old model.
 */
package dev.pct.train.reference;
