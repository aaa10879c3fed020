/**
 * The two models of an update: {@link dev.pct.train.update.OldModel}, where the reference model's outputs
 * come from (a model file, a DJL predictor, a network trained in the job), and {@link
 * dev.pct.train.update.NewModel}, how the new model starts (a built-in architecture, pretrained parameters, a
 * TorchScript backbone), so that the plain retrain and the PC model start from the same weights. {@link
 * dev.pct.train.update.ModelCode} checks a model's folder before DJL reads it: pct loads no code from it.
 */
package dev.pct.train.update;
