package dev.pct.train.config;

import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.selection.SelectionSettings;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A complete, validated positive-congruent training job: data, old model, new model, loss and training.
 *
 * <p>Load one with {@link JobConfigLoader#load(Path, List)}; {@link #toYaml()} gives the effective YAML that
 * loads back to an equal config.
 *
 * @param name name of the job; required, letters, digits, {@code .}, {@code _} or {@code -}. The run
 *     folder is {@code <output>/<name>-<yyyyMMdd-HHmmss>}
 * @param seeds random seeds; the whole job (old model, new model, baseline) runs once per seed; integers
 *     &gt;= 0, distinct, default [1]. {@code seed: 3} is shorthand for {@code seeds: [3]} (give one, not both)
 * @param device the one device to train on: {@code auto} (GPU 0 if the engine sees one, else CPU; default),
 *     {@code cpu}, {@code gpu} (GPU 0) or {@code gpu:N}. A job trains on one device: data-parallel training
 *     over several is not supported, and a list is rejected
 * @param output folder run folders are created in, relative to the working directory; default {@code runs}
 * @param compareBaseline also train the new architecture with plain cross-entropy and the same seed, so the
 *     report can show what the PC loss costs and gains; YAML {@code compare_baseline}, default true
 * @param baselineFrom a finished run of the same update (another job of the same sweep, say) whose plain retrain
 *     this job takes instead of training its own: its data, old model, new model, training and selection must
 *     be this job's, and it must have trained each of this job's seeds; YAML {@code baseline_from}, default none
 * @param data the data set
 * @param oldModel the old model; YAML {@code old_model}
 * @param newModel the new model; YAML {@code new_model}
 * @param loss the new model's loss
 * @param training how the new model (and, unless overridden, the old one) is trained
 * @param selection which epoch of each new model is kept (on the validation split), and early stopping
 * @param sweep a trade-off sweep: axes over keys of {@code loss}, e.g. {@code [{key: loss.tau, values: [1,
 *     10]}]}; every combination trains one PC model against the same old model and baseline (see {@link
 *     SweepGrid}); empty (default) trains the one {@code loss}
 * @param interpolation weight interpolation between the old model and the plain retrain (BCWI), off by default
 */
public record JobConfig(
        String name,
        List<Integer> seeds,
        String device,
        Path output,
        boolean compareBaseline,
        Path baselineFrom,
        DataConfig data,
        OldModelConfig oldModel,
        NewModelConfig newModel,
        LossConfig loss,
        TrainingSettings training,
        SelectionSettings selection,
        List<SweepAxis> sweep,
        InterpolationSettings interpolation) {

    private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** Makes the lists immutable. */
    public JobConfig {
        seeds = Lists.copy(seeds);
        sweep = Lists.copy(sweep);
    }

    /** The defaults with the required values (name, data source, architectures) left null. */
    static JobConfig template() {
        return new JobConfig(null, List.of(1), "auto", Path.of("runs"), true, null, DataConfig.template(),
                OldModelConfig.template(), NewModelConfig.template(), LossConfig.defaults(),
                TrainingSettings.defaults(), SelectionSettings.defaults(), List.of(), InterpolationSettings.defaults());
    }

    /**
     * Returns how the old model is trained: {@code old_model.training} if given, else {@link #training()}.
     *
     * @return the old model's training settings
     */
    public TrainingSettings oldModelTraining() {
        return oldModel.training() != null ? oldModel.training() : training;
    }

    /**
     * Returns the run folder for a job started at {@code start}: {@code <output>/<name>-<yyyyMMdd-HHmmss>}.
     *
     * @param start the start time
     * @return the run folder (not created)
     */
    public Path runDirectory(LocalDateTime start) {
        return output.resolve(name + "-" + RUN_STAMP.format(start));
    }

    /**
     * Returns this configuration as YAML that {@link JobConfigLoader} loads back to an equal config.
     *
     * @return the YAML text
     */
    public String toYaml() {
        return JobConfigWriter.toYaml(this);
    }
}
