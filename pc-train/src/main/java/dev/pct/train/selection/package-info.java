/**
 * Selection: which epoch of a trained model is kept and which loss setting of a sweep is chosen, always on the
 * validation split.
 *
 * <p>{@link dev.pct.train.selection.SelectionRule} (last epoch, lowest validation error, lowest validation NFR
 * within an error margin of the plain retrain) chooses among candidates; {@link
 * dev.pct.train.selection.EpochSelection} applies it one epoch at a time and says when to stop early; {@link
 * dev.pct.train.selection.SelectionSettings} is the job's {@code selection} section, and {@link
 * dev.pct.train.selection.TestEvaluation} says whether the test split is scored every epoch or once.
 */
package dev.pct.train.selection;
