package dev.pct.train.update;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.pct.train.model.Architecture;
import dev.pct.train.model.ArchitectureBlockFactory;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** A built-in architecture, from scratch or from a pretrained DJL parameter file. */
final class ArchitectureModel implements NewModel {

    private final ModelSpec spec;
    private final Path parameters;
    private final Head head;
    private final boolean freezeBackbone;
    private final float backboneLearningRate;

    ArchitectureModel(ModelSpec spec, Path parameters, Head head, boolean freezeBackbone, float backboneLearningRate) {
        this.spec = spec;
        this.parameters = parameters;
        this.head = head;
        this.freezeBackbone = freezeBackbone;
        this.backboneLearningRate = backboneLearningRate;
    }

    @Override
    public NewModel startingFrom(Path file) {
        return new ArchitectureModel(spec, file, Head.KEEP, false, 1f);
    }

    @Override
    public StageNetwork create(NDManager manager, Shape inputShape, int classes) {
        Block net = ModelFactory.build(spec, (int) inputShape.get(0), (int) inputShape.get(1),
                (int) inputShape.get(2), classes);
        Shape batch = new Shape(1).addAll(inputShape);
        net.initialize(manager, DataType.FLOAT32, batch);
        Set<String> backbone = Set.of();
        if (parameters != null) {
            SequentialBlock sequence = (SequentialBlock) net;
            List<String> children = List.copyOf(sequence.getChildren().keys());
            String classifier = children.get(children.size() - 1);
            // The classifier's outputs may differ (the file's classes); every other shape must match.
            Set<String> classifierParameters = names(net, classifier);
            try {
                ParameterFiles.load(net, parameters, manager, classifierParameters);
            } catch (IOException e) {
                throw new UncheckedIOException("new_model.file " + e.getMessage(), e);
            }
            long fileClasses = net.getParameters().get(classifier + "_weight").getArray().getShape().get(0);
            boolean replace = head == Head.REPLACE || head == Head.AUTO && fileClasses != classes;
            if (!replace && fileClasses != classes) {
                throw new IllegalArgumentException("new_model.file " + parameters + ": its classifier has "
                        + fileClasses + " outputs, the data set has " + classes + " classes: use head replace or auto");
            }
            if (replace) {
                sequence.removeLastBlock();
                sequence.add(Linear.builder().setUnits(classes).build());
                net.initialize(manager, DataType.FLOAT32, batch);
                classifier = List.copyOf(sequence.getChildren().keys()).get(children.size() - 1);
            }
            String head = classifier;
            backbone = net.getParameters().keys().stream()
                    .filter(name -> !name.startsWith(head + "_"))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            if (freezeBackbone) {
                for (Pair<String, Parameter> p : net.getParameters()) {
                    if (backbone.contains(p.getKey())) {
                        p.getValue().freeze(true);
                    }
                }
            }
        }
        return new StageNetwork(net, net, exportArguments(spec), backbone, backboneLearningRate);
    }

    @Override
    public String description() {
        return spec.type() + " " + describe(spec) + (parameters == null ? " from scratch"
                : " from " + parameters + (freezeBackbone ? " (backbone frozen)" : ""));
    }

    /** The {@code serving.properties} keys that rebuild this architecture. */
    static Map<String, String> exportArguments(ModelSpec spec) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put(ArchitectureBlockFactory.ARCHITECTURE, spec.type().spelling());
        keys.put(ArchitectureBlockFactory.HIDDEN, join(spec.hidden()));
        keys.put(ArchitectureBlockFactory.CHANNELS, join(spec.channels()));
        keys.put(ArchitectureBlockFactory.BATCH_NORM, Boolean.toString(spec.batchNorm()));
        keys.put(ArchitectureBlockFactory.DROPOUT, Double.toString(spec.dropout()));
        if (spec.type() == Architecture.RESNET) {
            // The only family that reads it; the others' depth may be 0 (a job file's default).
            keys.put(ArchitectureBlockFactory.DEPTH, Integer.toString(spec.depth()));
        }
        return keys;
    }

    private static String describe(ModelSpec spec) {
        switch (spec.type()) {
            case MLP:
                return "hidden " + spec.hidden();
            case CNN:
                return "channels " + spec.channels() + " hidden " + spec.hidden();
            case RESNET:
                return "depth " + spec.depth();
            default:
                return "";
        }
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static Set<String> names(Block block, String child) {
        return block.getParameters().keys().stream()
                .filter(name -> name.startsWith(child + "_"))
                .collect(Collectors.toSet());
    }
}
