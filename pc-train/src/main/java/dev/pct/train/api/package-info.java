/**
 * Positive-congruent training as a library: {@link dev.pct.train.api.PcTraining} takes an old model, a new
 * model and the data, trains the plain retrain and the PC model from the same weights, and writes the report,
 * the checkpoints and the exported models into a run directory. The {@code train} command of the CLI is a thin
 * layer over it.
 */
package dev.pct.train.api;
