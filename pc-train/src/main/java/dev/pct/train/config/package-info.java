/**
 * The job configuration: YAML job files bound to immutable, validated records.
 *
 * <p>{@link dev.pct.train.config.JobConfigLoader} reads a job file, applies {@code --set key.path=value}
 * overrides, fills defaults, checks every value and returns a {@link dev.pct.train.config.JobConfig}; any
 * problem becomes a {@link dev.pct.train.config.ConfigException} naming the file, line, key path, the bad
 * value and what was expected. {@link dev.pct.train.config.JobConfigWriter} writes the effective
 * configuration back as YAML for the run directory.
 *
 * <p>The config package is an edge: it binds YAML onto the domain's own types where they exist ({@code
 * loop.TrainingSettings}, {@code optim.OptimizerSettings}, {@code selection.SelectionSettings}, the domain's
 * enumerations) and is read only by the job and the CLI ({@code ArchitectureRulesTest} checks it). Every
 * enumeration is spelled by {@link dev.pct.train.io.Spelling}.
 *
 * <p>The loss section follows Yan et al., "Positive-Congruent Training: Towards Regression-Free Model
 * Updates", CVPR 2021, <a href="https://arxiv.org/abs/2011.09161">arXiv:2011.09161</a>.
 */
package dev.pct.train.config;
