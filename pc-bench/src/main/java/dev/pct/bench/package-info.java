/**
 * JMH benchmarks of positive-congruent training's hot path: the focal distillation loss against a
 * naive autograd composition and the cross-entropy floor ({@link dev.pct.bench.LossPathBenchmark}),
 * one training step with and without the PC loss ({@link dev.pct.bench.TrainingStepBenchmark}),
 * and the machine's copy bandwidth ({@link dev.pct.bench.CopyBandwidthBenchmark}); {@link
 * dev.pct.bench.ResultTable} turns a run's JSON into the table in the README. Run them with {@code
 * bin/pc-bench}.
 */
package dev.pct.bench;
