/**
 * Optimizers and learning-rate schedules whose whole state can be saved and restored, so that a run resumed
 * from a checkpoint continues exactly as an uninterrupted one would.
 */
package dev.pct.train.optim;
