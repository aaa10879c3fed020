package dev.pct.train.update;

import ai.djl.nn.Block;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A new model's network built for one training stage.
 *
 * @param block the block to train (initialized; frozen parameters do not require gradients)
 * @param exportNet the same trained layers in the structure {@link dev.pct.train.model.ArchitectureBlockFactory}
 *     rebuilds from {@code exportArguments} (it may differ from {@code block} by wrappers that only matter
 *     for training)
 * @param exportArguments the {@code pct.*} keys that describe the architecture in an exported model's
 *     {@code serving.properties}; empty when the network cannot be rebuilt from keys (a block supplied by
 *     code), in which case the exported directory needs that code's block to load
 * @param backboneParameters the names of the pretrained parameters, which train at {@code
 *     backboneLearningRate} times the learning rate (frozen ones do not train at all)
 * @param backboneLearningRate the multiplier of the backbone's learning rate, in (0, 1]
 */
public record StageNetwork(
        Block block,
        Block exportNet,
        Map<String, String> exportArguments,
        Set<String> backboneParameters,
        float backboneLearningRate) {

    /** Validates and copies. */
    public StageNetwork {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(exportNet, "exportNet");
        exportArguments = Map.copyOf(exportArguments);
        backboneParameters = Set.copyOf(backboneParameters);
        if (!(backboneLearningRate > 0 && backboneLearningRate <= 1)) {
            throw new IllegalArgumentException("backbone learning rate multiplier must be in (0, 1], got "
                    + backboneLearningRate);
        }
    }

    /**
     * Returns the learning-rate multiplier of a parameter.
     *
     * @param parameterName the parameter's name in {@link #block()}
     * @return the backbone multiplier for pretrained parameters, 1 for the others
     */
    public float learningRateMultiplier(String parameterName) {
        return backboneParameters.contains(parameterName) ? backboneLearningRate : 1f;
    }
}
