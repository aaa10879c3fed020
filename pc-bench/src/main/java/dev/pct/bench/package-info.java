/**
 * JMH benchmarks of positive-congruent training's hot path and the tools that make their table.
 *
 * <p>{@link dev.pct.bench.LossPathBenchmark} times the focal distillation loss against a naive
 * autograd composition and the cross-entropy floor, interleaved in one fork ({@link
 * dev.pct.bench.LossImplementation}); {@link dev.pct.bench.TrainingStepBenchmark} one training step
 * with and without the PC loss; {@link dev.pct.bench.CopyBandwidthBenchmark} the machine's copy
 * bandwidth. {@link dev.pct.bench.OpCensus} counts the native operators of one loss step from
 * libtorch's profiler ({@link dev.pct.bench.ChromeTrace}). {@link dev.pct.bench.ResultTable} turns a
 * run's JMH JSON ({@link dev.pct.bench.JmhResult}), the PyTorch anchor's JSON ({@link
 * dev.pct.bench.PyTorchAnchor}, from {@code pc-bench/pytorch/loss_path.py}) and the census into the
 * table in the README, each ratio with its {@link dev.pct.bench.Spread}. Run them with {@code
 * bin/pc-bench}.
 */
package dev.pct.bench;
