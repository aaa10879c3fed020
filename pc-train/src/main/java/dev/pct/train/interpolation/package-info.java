/**
 * Weight interpolation between the old model and the new model fine-tuned from it (BCWI, Schumann et al., EACL 2024,
 * <a href="https://arxiv.org/abs/2301.10546">arXiv:2301.10546</a>): the parameters of {@code (1 - a) theta_old + a
 * theta_new}, optionally of an average of several fine-tuned new models, with batch-norm statistics re-estimated on
 * training data for each a.
 */
package dev.pct.train.interpolation;
