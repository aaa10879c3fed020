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
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds the block of a model directory that pct exported, from the {@code pct.*} keys of its {@code
 * serving.properties}: the directory declares its architecture as data and holds no code. pct passes an instance
 * to DJL itself; a Java service does the same with pct's architecture artifact ({@code
 * dev.pct:pc-train:<version>:models}, this package alone) on its class path: {@code
 * Criteria.builder().optArgument("blockFactory", new ArchitectureBlockFactory())}, so that DJL loads no class
 * from the model directory.
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

    /** Every {@code pct.*} key this factory reads; any other {@code pct.*} key is an error. */
    private static final Set<String> KEYS = Set.of(ARCHITECTURE, INPUT_SHAPE, CLASSES, HIDDEN, CHANNELS, BATCH_NORM,
            DROPOUT, DEPTH, HEAD, MEAN, STD);
    /** The largest input side, channel count, layer width and class count accepted from a model directory. */
    static final int MAX_SIDE = 8192;
    static final int MAX_CHANNELS = 4096;
    static final int MAX_WIDTH = 1 << 16;
    static final int MAX_CLASSES = 1 << 20;

    /**
     * {@inheritDoc}
     *
     * <p>Every key is checked: an unknown {@code pct.*} key, an unknown architecture, a value that is not a
     * number, a size out of range or an engine other than PyTorch fails with an {@link IllegalArgumentException}
     * that names {@code serving.properties}, the key, the value and what is expected.
     */
    @Override
    public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
        Keys keys = new Keys(modelPath, arguments);
        keys.checkKnown();
        long[] input = keys.ints(INPUT_SHAPE, true, 1, MAX_SIDE).stream().mapToLong(Integer::longValue).toArray();
        if (input.length != 3) {
            throw keys.invalid(INPUT_SHAPE, "C,H,W (three positive integers)");
        }
        if (input[0] > MAX_CHANNELS) {
            throw keys.invalid(INPUT_SHAPE, "at most " + MAX_CHANNELS + " channels");
        }
        int classes = keys.integer(CLASSES, null, 2, MAX_CLASSES);
        String architecture = keys.required(ARCHITECTURE);
        Block net;
        if (TORCHSCRIPT.equals(architecture)) {
            keys.unused(architecture, HIDDEN, CHANNELS, BATCH_NORM, DROPOUT, DEPTH);
            String head = keys.optional(HEAD, "none");
            if (!head.equals("linear") && !head.equals("none")) {
                throw keys.invalid(HEAD, "linear or none");
            }
            // The module itself is in the parameter file: an empty symbol block receives it on loading.
            SequentialBlock sequence = new SequentialBlock()
                    .add(new PtSymbolBlock((PtNDManager) model.getNDManager()));
            if (head.equals("linear")) {
                sequence.add(Linear.builder().setUnits(classes).build());
            }
            net = sequence;
        } else {
            Architecture type;
            try {
                type = Architecture.of(architecture);
            } catch (IllegalArgumentException e) {
                throw keys.invalid(ARCHITECTURE, "one of mlp, cnn, lenet, resnet, " + TORCHSCRIPT);
            }
            keys.unused(architecture, HEAD);
            ModelSpec spec;
            try {
                spec = ModelSpec.builder()
                        .setType(type)
                        .optHidden(keys.ints(HIDDEN, false, 1, MAX_WIDTH))
                        .optChannels(keys.ints(CHANNELS, false, 1, MAX_CHANNELS))
                        .optBatchNorm(keys.bool(BATCH_NORM))
                        .optDropout(keys.decimal(DROPOUT, 0, 0, 1, false))
                        .optDepth(keys.integer(DEPTH, ModelSpec.DEFAULT_DEPTH, 1, 1000))
                        .build();
                net = ModelFactory.build(spec, (int) input[0], (int) input[1], (int) input[2], classes);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(keys.file().toString())) {
                    throw e;
                }
                throw new IllegalArgumentException(keys.file() + ": the architecture it declares cannot be built: "
                        + e.getMessage(), e);
            }
        }
        if (arguments.get(MEAN) == null && arguments.get(STD) == null) {
            return net;
        }
        float[] mean = keys.floats(MEAN, (int) input[0], false);
        float[] std = keys.floats(STD, (int) input[0], true);
        return new SequentialBlock().add(InputNormalization.block(mean, std)).add(net);
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

    /** The {@code pct.*} keys of one model directory, read with checks whose errors name the file and key. */
    private static final class Keys {
        private final Path file;
        private final Map<String, ?> arguments;

        Keys(Path modelPath, Map<String, ?> arguments) {
            this.file = (modelPath == null ? Path.of(".") : modelPath).resolve("serving.properties");
            this.arguments = arguments;
        }

        Path file() {
            return file;
        }

        void checkKnown() {
            for (String key : new TreeSet<>(arguments.keySet())) {
                if (key.startsWith("pct.") && !KEYS.contains(key)) {
                    throw new IllegalArgumentException(file + ": unknown key " + key + "; expected only "
                            + String.join(", ", new TreeSet<>(KEYS)));
                }
            }
            Object engine = arguments.get("engine");
            if (engine != null && !"PyTorch".equals(engine.toString().strip())) {
                throw new IllegalArgumentException(file + ": engine = " + engine + ": expected PyTorch, the engine"
                        + " pct's architectures run on");
            }
        }

        /** The value, stripped, or null when absent. */
        String value(String key) {
            Object value = arguments.get(key);
            return value == null ? null : value.toString().strip();
        }

        String required(String key) {
            String value = value(key);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(file + ": " + key + " is missing; this is not a model directory"
                        + " pct exported, or it was edited");
            }
            return value;
        }

        String optional(String key, String fallback) {
            String value = value(key);
            return value == null ? fallback : value;
        }

        IllegalArgumentException invalid(String key, String expected) {
            return new IllegalArgumentException(file + ": " + key + " = '" + value(key) + "': expected " + expected);
        }

        void unused(String architecture, String... keys) {
            for (String key : keys) {
                if (value(key) != null) {
                    throw new IllegalArgumentException(file + ": " + key + " does not apply to architecture "
                            + architecture);
                }
            }
        }

        int integer(String key, Integer fallback, int min, int max) {
            String text = fallback == null ? required(key) : value(key);
            if (text == null) {
                return fallback;
            }
            try {
                int v = Integer.parseInt(text);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(key, "an integer in [" + min + ", " + max + "]");
        }

        List<Integer> ints(String key, boolean required, int min, int max) {
            String text = required ? required(key) : optional(key, "");
            List<Integer> out = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                if (part.isBlank() && text.isBlank()) {
                    continue;
                }
                try {
                    int v = Integer.parseInt(part.strip());
                    if (v >= min && v <= max) {
                        out.add(v);
                        continue;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw invalid(key, "comma-separated integers in [" + min + ", " + max + "]");
            }
            return out;
        }

        boolean bool(String key) {
            String text = optional(key, "false");
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
            throw invalid(key, "true or false");
        }

        double decimal(String key, double fallback, double min, double max, boolean maxIncluded) {
            String text = value(key);
            if (text == null) {
                return fallback;
            }
            try {
                double v = Double.parseDouble(text);
                if (v >= min && (maxIncluded ? v <= max : v < max)) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(key, "a number in [" + min + ", " + max + (maxIncluded ? "]" : ")"));
        }

        float[] floats(String key, int count, boolean positive) {
            String[] parts = required(key).split(",", -1);
            float[] out = new float[parts.length];
            String expected = count + " comma-separated " + (positive ? "positive " : "") + "numbers, one per"
                    + " input channel";
            if (parts.length != count) {
                throw invalid(key, expected);
            }
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Float.parseFloat(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw invalid(key, expected);
                }
                if (!Float.isFinite(out[i]) || positive && out[i] <= 0) {
                    throw invalid(key, expected);
                }
            }
            return out;
        }
    }
}
