package dev.pct.train.model;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the block of a model directory that pct exported, from the {@code pct.*} keys of its {@code
 * serving.properties}, so that DJL's {@code Criteria} loads it with nothing of pct on the class path: the
 * directory carries this class (and {@link ModelFactory}) in a jar of its own, which DJL's model loader
 * finds there.
 *
 * <p>The keys: {@link #ARCHITECTURE} ({@code mlp}, {@code cnn}, {@code lenet}, {@code resnet}, or {@code
 * torchscript} for a TorchScript backbone), {@link #INPUT_SHAPE} ({@code C,H,W}), {@link #CLASSES}, the
 * architecture's {@link #HIDDEN}, {@link #CHANNELS}, {@link #BATCH_NORM}, {@link #DROPOUT}, {@link #DEPTH},
 * for a TorchScript backbone {@link #HEAD} ({@code linear}: a dense classifier follows the module; {@code
 * none}: the module's outputs are the logits), and optionally {@link #MEAN} and {@link #STD}, per channel,
 * which put an {@link InputNormalization} in front so that the model takes intensities in [0, 1].
 */
public final class ArchitectureBlockFactory implements BlockFactory {

    private static final long serialVersionUID = 1L;

    /** The architecture: a {@link Architecture} name or {@link #TORCHSCRIPT}. */
    public static final String ARCHITECTURE = "pct.architecture";
    /** The architecture value of a TorchScript backbone, whose module is stored in the parameter file. */
    public static final String TORCHSCRIPT = "torchscript";
    /** The input shape without the batch dimension, {@code C,H,W}. */
    public static final String INPUT_SHAPE = "pct.input_shape";
    /** The number of classes. */
    public static final String CLASSES = "pct.classes";
    /** Hidden dense widths, comma separated (may be empty). */
    public static final String HIDDEN = "pct.hidden";
    /** Convolution stages of a {@code cnn}, comma separated. */
    public static final String CHANNELS = "pct.channels";
    /** Whether convolutions have batch normalization. */
    public static final String BATCH_NORM = "pct.batch_norm";
    /** Dropout rate of the hidden dense layers. */
    public static final String DROPOUT = "pct.dropout";
    /** ResNet depth. */
    public static final String DEPTH = "pct.depth";
    /** {@code linear} or {@code none}: the head after a TorchScript backbone. */
    public static final String HEAD = "pct.head";
    /** Per-channel mean of the input normalization, comma separated. */
    public static final String MEAN = "pct.mean";
    /** Per-channel standard deviation of the input normalization, comma separated. */
    public static final String STD = "pct.std";

    /** {@inheritDoc} */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        long[] input = longs(required(arguments, INPUT_SHAPE));
        if (input.length != 3) {
            throw new IllegalArgumentException(INPUT_SHAPE + ": expected C,H,W, got " + arguments.get(INPUT_SHAPE));
        }
        int classes = Integer.parseInt(required(arguments, CLASSES));
        String architecture = required(arguments, ARCHITECTURE);
        Block net;
        if (TORCHSCRIPT.equals(architecture)) {
            // The module itself is in the parameter file: an empty symbol block receives it on loading.
            SequentialBlock sequence = new SequentialBlock()
                    .add(new PtSymbolBlock((PtNDManager) model.getNDManager()));
            if ("linear".equals(String.valueOf(arguments.get(HEAD)))) {
                sequence.add(Linear.builder().setUnits(classes).build());
            }
            net = sequence;
        } else {
            ModelSpec spec = ModelSpec.builder()
                    .setType(Architecture.of(architecture))
                    .optHidden(ints(optional(arguments, HIDDEN, "")))
                    .optChannels(ints(optional(arguments, CHANNELS, "")))
                    .optBatchNorm(Boolean.parseBoolean(optional(arguments, BATCH_NORM, "false")))
                    .optDropout(Double.parseDouble(optional(arguments, DROPOUT, "0")))
                    .optDepth(Integer.parseInt(optional(arguments, DEPTH, String.valueOf(ModelSpec.DEFAULT_DEPTH))))
                    .build();
            net = ModelFactory.build(spec, (int) input[0], (int) input[1], (int) input[2], classes);
        }
        Object mean = arguments.get(MEAN);
        if (mean == null) {
            return net;
        }
        return new SequentialBlock()
                .add(InputNormalization.block(floats(mean.toString()), floats(required(arguments, STD))))
                .add(net);
    }

    /**
     * Returns the block {@link #newBlock} builds for a trained network, for saving: the same structure, so
     * that the parameter file loads back into it.
     *
     * @param net the trained network (the block {@link #newBlock} builds without normalization)
     * @param mean the input normalization's per-channel mean, or null for none
     * @param std the per-channel standard deviation, or null for none
     * @return the block to save
     */
    public static Block exportStructure(Block net, float[] mean, float[] std) {
        return mean == null ? net : new SequentialBlock().add(InputNormalization.block(mean, std)).add(net);
    }

    private static String required(Map<String, ?> arguments, String key) {
        Object value = arguments.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("serving.properties: " + key + " is missing; this is not a model"
                    + " directory pct exported, or it was edited");
        }
        return value.toString().strip();
    }

    private static String optional(Map<String, ?> arguments, String key, String fallback) {
        Object value = arguments.get(key);
        return value == null ? fallback : value.toString().strip();
    }

    private static long[] longs(String text) {
        return ints(text).stream().mapToLong(Integer::longValue).toArray();
    }

    private static List<Integer> ints(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(Integer.parseInt(part.strip()));
            }
        }
        return out;
    }

    private static float[] floats(String text) {
        String[] parts = text.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i].strip());
        }
        return out;
    }

    /**
     * Returns the input shape written in the {@link #INPUT_SHAPE} format.
     *
     * @param shape (C, H, W)
     * @return {@code C,H,W}
     */
    public static String shapeText(Shape shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.dimension(); i++) {
            sb.append(i == 0 ? "" : ",").append(shape.get(i));
        }
        return sb.toString();
    }
}
