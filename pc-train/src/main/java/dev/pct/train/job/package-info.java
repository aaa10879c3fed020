/**
 * The PC training job: loads the data, gets the old model (trained, loaded or given as logits), trains
 * the plain retrain and the PC model per seed, and writes the side-by-side report into a run directory.
 */
package dev.pct.train.job;
