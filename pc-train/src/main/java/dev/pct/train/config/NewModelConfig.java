package dev.pct.train.config;

import dev.pct.train.model.ModelSpec;
import dev.pct.train.update.NewModel;
import java.nio.file.Path;

/**
 * The new model trained with the positive-congruent loss (and, if asked, also with plain cross-entropy); the
 * plain retrain and the PC model start from the same weights.
 *
 * @param source {@code architecture} (default: a built-in network from scratch), {@code torchscript} (a
 *     pretrained TorchScript module, fine-tuned) or {@code params} (a built-in network with pretrained DJL
 *     parameters)
 * @param architecture its network; required for sources architecture and params
 * @param file the TorchScript file or the DJL parameter file; required for those sources. Relative paths
 *     resolve like {@code data.path}
 * @param head what classifies: {@code keep} (the pretrained model's outputs are the logits), {@code replace}
 *     (a new dense classifier for the data set's classes: after a TorchScript module, whose outputs are then
 *     features; in place of a parameter file's last layer), or {@code auto} (default: keep when the pretrained
 *     outputs already number the data set's classes, replace otherwise)
 * @param freezeBackbone train the classifier only: the pretrained layers keep their weights (a TorchScript
 *     backbone also keeps its batch-norm statistics, running in inference mode); YAML {@code freeze_backbone},
 *     default false
 * @param backboneLearningRate the pretrained layers' learning rate as a multiple of {@code
 *     training.learning_rate}, in (0, 1], default 1; YAML {@code backbone_learning_rate}
 * @param exportArchitectureJar also write {@code pct-architecture.jar} (the classes of {@code dev.pct.train.model})
 *     into every exported model directory, for DJL Serving or any loader that should find the architecture in
 *     the directory itself; default false: the directory holds no code. The jar is code that whoever loads the
 *     directory with plain DJL runs, and pct refuses such a directory unless trusted; YAML {@code
 *     export_architecture_jar}
 */
public record NewModelConfig(
        NewModelSource source,
        ModelSpec architecture,
        Path file,
        NewModel.Head head,
        boolean freezeBackbone,
        double backboneLearningRate,
        boolean exportArchitectureJar) {

    /** The defaults: a built-in architecture, which must be given, trained from scratch. */
    static NewModelConfig template() {
        return new NewModelConfig(NewModelSource.ARCHITECTURE, null, null, NewModel.Head.AUTO, false, 1.0, false);
    }
}
