package dev.pct.train.update;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.pct.train.model.ArchitectureBlockFactory;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pretrained TorchScript module, fine-tuned on DJL's PyTorch engine (as DJL's transfer-learning example
 * does), with a new dense classifier after it when its outputs are features.
 *
 * <p>A checkpoint of the network holds the whole module (its parameters and its buffers, such as batch-norm
 * statistics, which DJL does not list as parameters), so it is restored into an empty symbol block rather
 * than into the loaded one: DJL's symbol block caches its parameter list, which would then still point at the
 * replaced module.
 *
 * <p>DJL's symbol block takes a new module to be in training mode and switches modes only when the requested
 * one differs from what it believes; a module saved in evaluation mode (as {@code torch.jit.save} after
 * {@code eval()}, or a checkpoint written after an evaluation) would then train with batch norm frozen on its
 * running statistics. Every loaded module is therefore put in training mode at once.
 */
final class TorchScriptModel implements NewModel {

    private final Path file;
    private final Head head;
    private final boolean freezeBackbone;
    private final float backboneLearningRate;
    /** The module's outputs per sample, known after the first load. */
    private long outputs = -1;

    TorchScriptModel(Path file, Head head, boolean freezeBackbone, float backboneLearningRate) {
        this.file = file;
        this.head = head;
        this.freezeBackbone = freezeBackbone;
        this.backboneLearningRate = backboneLearningRate;
    }

    @Override
    public StageNetwork create(NDManager manager, Shape inputShape, int classes) {
        PtSymbolBlock module = load(file, manager, "new_model.file");
        outputs = outputs(module, inputShape, manager);
        return assemble(manager, module, inputShape, classes);
    }

    @Override
    public StageNetwork restore(NDManager manager, Shape inputShape, int classes, byte[] saved)
            throws IOException, MalformedModelException {
        if (outputs < 0) {
            try (NDManager scratch = manager.newSubManager()) {
                outputs = outputs(load(file, scratch, "new_model.file"), inputShape, scratch);
            }
        }
        // Loaded before anything asks the empty symbol block for its parameters (it has no module yet).
        PtSymbolBlock empty = new PtSymbolBlock((PtNDManager) manager);
        Structure structure = structure(empty, classes);
        structure.block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(saved)));
        JniUtils.enableTrainingMode(empty);
        return network(structure, empty);
    }

    /** The network to train and the one to export, sharing their layers. */
    private record Structure(SequentialBlock block, SequentialBlock export, boolean linear) {}

    private StageNetwork assemble(NDManager manager, PtSymbolBlock module, Shape inputShape, int classes) {
        Structure structure = structure(module, classes);
        structure.block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(inputShape));
        return network(structure, module);
    }

    private Structure structure(PtSymbolBlock module, int classes) {
        boolean linear = head == Head.REPLACE || head == Head.AUTO && outputs != classes;
        if (!linear && outputs != classes) {
            throw new IllegalArgumentException("new_model.file " + file + ": the module outputs " + outputs
                    + " values per sample and head is keep, but the data set has " + classes
                    + " classes: use head replace (its outputs are then features for a new classifier) or auto");
        }
        Block backbone = freezeBackbone ? new FrozenBlock(module) : module;
        SequentialBlock block = new SequentialBlock().add(backbone);
        SequentialBlock export = new SequentialBlock().add(module);
        if (linear) {
            Block classifier = Linear.builder().setUnits(classes).build();
            block.add(classifier);
            export.add(classifier);
        }
        return new Structure(block, export, linear);
    }

    /** Frozen: no parameter of the module takes a gradient; otherwise all of them do, at the backbone rate. */
    private StageNetwork network(Structure structure, PtSymbolBlock module) {
        module.freezeParameters(freezeBackbone);
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(ArchitectureBlockFactory.ARCHITECTURE, ArchitectureBlockFactory.TORCHSCRIPT);
        keys.put(ArchitectureBlockFactory.HEAD, structure.linear ? "linear" : "none");
        String first = List.copyOf(structure.block.getChildren().keys()).get(0);
        Set<String> backbone = structure.block.getParameters().keys().stream()
                .filter(n -> n.startsWith(first + "_"))
                .collect(Collectors.toSet());
        return new StageNetwork(structure.block, structure.export, keys, backbone, backboneLearningRate);
    }

    /**
     * The module's outputs per sample, from one forward pass on zeros of the data's shape; a module that returns a
     * tuple or values other than float32 is refused here, before any training (the classifier and the losses take
     * one float32 tensor).
     */
    private long outputs(PtSymbolBlock module, Shape inputShape, NDManager manager) {
        Shape batch = new Shape(2).addAll(inputShape);
        Shape out;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray zeros = scratch.zeros(batch);
            NDList outputs;
            try {
                outputs = module.forward(new ParameterStore(scratch, false), new NDList(zeros), false);
            } catch (EngineException e) {
                throw new IllegalArgumentException("new_model.file " + file + ": the module does not take inputs of"
                        + " shape " + batch + " (the data's shape): " + firstLine(e.getMessage()), e);
            }
            String problem = ModelOutputs.problem(outputs);
            if (problem != null) {
                throw new IllegalArgumentException("new_model.file " + file + ": the module returns " + problem
                        + " for inputs " + batch + "; expected one (N, K) float32 tensor: logits, or features for a"
                        + " new classifier (in the module, return only that tensor, as float32: .float())");
            }
            out = outputs.head().getShape();
        }
        if (out.dimension() != 2) {
            throw new IllegalArgumentException("new_model.file " + file + ": the module outputs shape " + out
                    + " for inputs " + batch + "; expected (N, K): logits, or features for a new classifier");
        }
        return out.get(1);
    }

    @Override
    public String description() {
        return "TorchScript " + file + (freezeBackbone ? " (frozen)" : "") + ", head " + head.name().toLowerCase();
    }

    /**
     * Loads a TorchScript file onto a manager's device, its parameters trainable.
     *
     * @param file the file
     * @param manager the owner (a PyTorch engine manager)
     * @param key the configuration key that named the file, for messages
     * @return the module
     * @throws IllegalArgumentException naming the file if it is missing or not TorchScript
     */
    static PtSymbolBlock load(Path file, NDManager manager, String key) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(key + " " + file + ": no such file");
        }
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalArgumentException(key + " " + file + ": TorchScript needs DJL's PyTorch engine, the"
                    + " manager is " + manager.getEngine().getEngineName() + "'s");
        }
        try {
            PtSymbolBlock module = JniUtils.loadModule(pt, file.toAbsolutePath(), true, new String[0], new String[0],
                    true);
            JniUtils.enableTrainingMode(module);
            return module;
        } catch (EngineException | IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + file + ": not a TorchScript file the PyTorch engine can"
                    + " load (corrupt, truncated, or saved with torch.save instead of torch.jit.save?): "
                    + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String trimmed = message.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end);
    }
}
