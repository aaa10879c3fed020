package dev.pct.train.config;

import java.nio.file.Path;

/**
 * The old (reference) model whose correct predictions the new model should keep.
 *
 * @param source how it is obtained: {@code train} (default), {@code checkpoint} or {@code logits}
 * @param architecture its network; required for source train and checkpoint, ignored for logits
 * @param checkpoint saved model folder or parameter file; required for source checkpoint. Relative paths
 *     resolve like {@code data.path}
 * @param logits saved logits files; required for source logits
 * @param training how to train it (source train only); null means the top-level {@code training}. Keys
 *     given here override the top-level ones, the rest are inherited from it, so a weaker old model can be
 *     had with just {@code training: {epochs: 1}}
 */
public record OldModelConfig(
        OldModelSource source,
        ArchitectureConfig architecture,
        Path checkpoint,
        LogitsConfig logits,
        TrainingConfig training) {

    /** The defaults: train an old model whose architecture must be given. */
    static OldModelConfig template() {
        return new OldModelConfig(OldModelSource.TRAIN, null, null, LogitsConfig.template(), null);
    }
}
