/**
 * Run reports: what a training run writes next to its checkpoints, and reading predictions back.
 *
 * <p>{@link dev.pct.train.report.ReportWriter} turns a {@link dev.pct.train.report.RunResults} (the
 * test labels, the old model's predictions, one {@link dev.pct.train.report.ModelResult} per model
 * and seed with its {@link dev.pct.train.report.Confidence confidences}, and the {@link
 * dev.pct.train.report.EpochRecord} history) into {@code metrics.json}, {@code report.md}, {@code report.html}
 * (the same tables with a gallery of the flipped samples' images and the flip matrix), {@code
 * negative_flips_<model>.csv}, {@code history.csv} and PNG charts.
 * {@link dev.pct.train.io.PredictionFiles} reads label and prediction files for the {@code
 * compare} command. The measures are those of Yan et al., "Positive-Congruent Training: Towards
 * Regression-Free Model Updates", CVPR 2021 (<a
 * href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>).
 */
package dev.pct.train.report;
