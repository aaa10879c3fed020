package dev.pct.train.config;

import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.teacher.LogitCache;
import java.nio.file.Path;

/**
 * The old (reference) model whose correct predictions the new model should keep.
 *
 * @param source how it is obtained: {@code train} (default), {@code checkpoint}, {@code logits}, or a model
 *     file: {@code torchscript}, {@code onnx}, {@code djl}
 * @param architecture its network; required for source train and checkpoint, and for a {@code djl} directory
 *     that pct did not export; ignored otherwise
 * @param checkpoint saved parameter file; required for source checkpoint. Relative paths resolve like
 *     {@code data.path}
 * @param file the model file: a TorchScript {@code .pt} file, an {@code .onnx} file, or a DJL model directory
 *     ({@code Model.save} output); required for those sources. Relative paths resolve like {@code data.path}
 * @param logits saved logits files; required for source logits
 * @param preprocessing the input a model file expects (size, channels, channel order, normalization);
 *     {@code mean} and {@code std} are required for torchscript and onnx, whose normalization only the person
 *     who trained them knows. A directory pct exported normalizes its input itself and takes the default
 * @param training how to train it (source train only); null means the top-level {@code training}. Keys
 *     given here override the top-level ones, the rest are inherited from it, so a weaker old model can be
 *     had with just {@code training: {epochs: 1}}
 * @param cachePrecision how its logits of the training split are stored in the run's teacher cache
 *     ({@code old/teacher-train.logits}): {@code float32} (default, exact) or {@code float16} (half the disk,
 *     about 3 significant digits); YAML {@code cache_precision}
 * @param trustCode load a model directory ({@code djl}) even when it holds code ({@code .jar} or {@code .class}
 *     files, or a {@code blockFactory} other than pct's own in its {@code serving.properties}), which DJL then
 *     runs inside the job; default false: such a directory is refused, since pct builds its own architectures
 *     and needs no code from a model directory. The log and the report say when it was used; YAML {@code
 *     trust_code}
 * @param cache a folder of teacher caches made once by {@code pc-train teacher} for this old model and data,
 *     shared by every job that names it: the job verifies each file's header against its own old model, data
 *     and preprocessing, refuses one made for anything else, and only reads it (a shared lock; the writer holds
 *     an exclusive one). Null (default): the job computes its own in the run directory. Needs an old model
 *     file or checkpoint; relative paths resolve like {@code data.path}
 * @param seed the seed of an old model trained in the job (source train); null (default): the job's first seed.
 *     Another seed with the new model's architecture makes the update a retrain of the same network (the paper's
 *     ResNet-18 to ResNet-18)
 * @param trainFraction the share of the training split an old model trained in the job (source train) sees, the
 *     first of a shuffle by its seed: a number in (0, 1], default 1. Below 1 with {@code new_model.source: old} the
 *     update is a data-growth scenario (the old model on part of the data, the new one fine-tuned on all of it);
 *     YAML {@code train_fraction}
 */
public record OldModelConfig(
        OldModelSource source,
        ModelSpec architecture,
        Path checkpoint,
        Path file,
        LogitsConfig logits,
        PreprocessingConfig preprocessing,
        TrainingSettings training,
        LogitCache.Precision cachePrecision,
        boolean trustCode,
        Path cache,
        Integer seed,
        double trainFraction) {

    /** The defaults: train an old model whose architecture must be given. */
    static OldModelConfig template() {
        return new OldModelConfig(OldModelSource.TRAIN, null, null, null, LogitsConfig.template(),
                PreprocessingConfig.defaults(), null, LogitCache.Precision.FLOAT32, false, null, null, 1.0);
    }
}
