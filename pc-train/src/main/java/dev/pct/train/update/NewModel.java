package dev.pct.train.update;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.pct.train.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * How the new model of an update starts: its network and its starting weights. Every stage (the plain
 * retrain and the PC model, each seed) builds its own network from here, so they all start alike; the
 * engine's random seed is set per stage before {@link #create} is called, which makes freshly initialized
 * layers the same for the same seed.
 */
public interface NewModel {

    /** What classifies after a pretrained network. */
    enum Head {
        /** Keep the pretrained outputs when they number the data set's classes, replace otherwise. */
        AUTO,
        /** The pretrained network's outputs are the logits. */
        KEEP,
        /** A new dense classifier for the data set's classes. */
        REPLACE
    }

    /**
     * Builds the network with its starting weights, initialized.
     *
     * @param manager the manager that owns the parameters (the stage model's)
     * @param inputShape the shape of one input sample, e.g. (C, H, W)
     * @param classes the data set's number of classes
     * @return the network
     * @throws IllegalArgumentException if the pretrained network does not fit the data (shape, classes)
     */
    StageNetwork create(NDManager manager, Shape inputShape, int classes);

    /**
     * Builds the same network and loads the parameters a checkpoint saved from a network of this model: by default
     * {@link #create} and the saved parameters loaded into its block.
     *
     * @param manager the manager that owns the parameters
     * @param inputShape the shape of one input sample
     * @param classes the data set's number of classes
     * @param parameters the bytes {@code block.saveParameters} wrote
     * @return the network, with the saved parameters
     * @throws IOException if the bytes cannot be read
     * @throws MalformedModelException if they do not fit the network
     */
    default StageNetwork restore(NDManager manager, Shape inputShape, int classes, byte[] parameters)
            throws IOException, MalformedModelException {
        StageNetwork network = create(manager, inputShape, classes);
        ParameterFiles.load(network.block(), parameters, manager, "checkpoint");
        return network;
    }

    /**
     * Returns a one-line description for logs and reports.
     *
     * @return e.g. {@code cnn [16, 32] from scratch}
     */
    String description();

    /**
     * Returns this model's network starting from the weights in a parameter file instead (e.g. an old model's
     * {@code final.params}, for a new model fine-tuned from it), the classifier kept; the file is read when a
     * network is created.
     *
     * @param parameters the parameter file
     * @return the new model
     * @throws UnsupportedOperationException for a network that is not a built-in architecture
     */
    default NewModel startingFrom(Path parameters) {
        throw new UnsupportedOperationException(description() + ": only a built-in architecture starts from a"
                + " parameter file");
    }

    /**
     * Returns a built-in architecture trained from scratch.
     *
     * @param spec the architecture
     * @return the new model
     */
    static NewModel architecture(ModelSpec spec) {
        return new ArchitectureModel(spec, null, Head.KEEP, false, 1f);
    }

    /**
     * Returns a built-in architecture that starts from pretrained DJL parameters, with its last (dense)
     * layer replaced when asked or when the class count differs.
     *
     * @param spec the architecture
     * @param parameters the parameter file ({@code Block.saveParameters} or a run's {@code final.params}); its
     *     last layer may have another number of outputs than the data set has classes
     * @param head whether to keep or replace the last layer
     * @param freezeBackbone whether the pretrained layers stay as they are
     * @param backboneLearningRate the pretrained layers' learning-rate multiplier, in (0, 1]
     * @return the new model
     */
    static NewModel pretrained(ModelSpec spec, Path parameters, Head head, boolean freezeBackbone,
            float backboneLearningRate) {
        return new ArchitectureModel(spec, parameters, head, freezeBackbone, backboneLearningRate);
    }

    /**
     * Returns a pretrained TorchScript module to fine-tune, with a dense classifier after it when asked or
     * when its outputs do not number the data set's classes (its outputs are then features).
     *
     * @param file the TorchScript file
     * @param head whether its outputs are the logits or features for a new classifier
     * @param freezeBackbone whether the module stays as it is (in inference mode)
     * @param backboneLearningRate the module's learning-rate multiplier, in (0, 1]
     * @return the new model
     */
    static NewModel torchScript(Path file, Head head, boolean freezeBackbone, float backboneLearningRate) {
        return new TorchScriptModel(file, head, freezeBackbone, backboneLearningRate);
    }

    /**
     * Returns a network that code supplies: a fresh, uninitialized block per call; pct initializes it with
     * the stage's seed. Its export holds the parameters, and loading it needs the same block again.
     *
     * @param description a one-line description
     * @param blocks makes a new block each time
     * @return the new model
     */
    static NewModel of(String description, Supplier<Block> blocks) {
        return new SuppliedModel(description, blocks);
    }
}
