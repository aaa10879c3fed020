package dev.pct.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchitectureBlockFactoryTest {

    @Test
    void rebuildsTheNetworkWithItsNormalizationSoSavedParametersLoadAndGiveTheSameLogits() throws Exception {
        ModelSpec spec = ModelSpec.builder().setType(Architecture.CNN).optChannels(java.util.List.of(4))
                .optHidden(java.util.List.of(8)).optBatchNorm(true).build();
        float[] mean = {0.3f};
        float[] std = {0.2f};
        try (Model model = Model.newInstance("m"); NDManager manager = NDManager.newBaseManager()) {
            Block trained = ModelFactory.build(spec, 1, 8, 8, 3);
            trained.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            Block saved = ArchitectureBlockFactory.exportStructure(trained, mean, std);
            saved.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            saved.saveParameters(new DataOutputStream(bytes));

            Block rebuilt = new ArchitectureBlockFactory().newBlock(model, Path.of("."), Map.of(
                    ArchitectureBlockFactory.ARCHITECTURE, "cnn", ArchitectureBlockFactory.INPUT_SHAPE, "1,8,8",
                    ArchitectureBlockFactory.CLASSES, "3", ArchitectureBlockFactory.CHANNELS, "4",
                    ArchitectureBlockFactory.HIDDEN, "8", ArchitectureBlockFactory.BATCH_NORM, "true",
                    ArchitectureBlockFactory.MEAN, "0.3", ArchitectureBlockFactory.STD, "0.2"));
            rebuilt.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

            NDArray raw = manager.randomUniform(0f, 1f, new Shape(5, 1, 8, 8));
            // The trained network on inputs normalized as the training pipeline does: (x - 0.3) * (1 / 0.2).
            float[] normalized = raw.toFloatArray();
            for (int i = 0; i < normalized.length; i++) {
                normalized[i] = (normalized[i] - 0.3f) * (1f / 0.2f);
            }
            float[] expected = trained.forward(new ParameterStore(manager, false),
                    new NDList(manager.create(normalized, raw.getShape())), false).head().toFloatArray();
            float[] served = rebuilt.forward(new ParameterStore(manager, false), new NDList(raw), false)
                    .head().toFloatArray();
            // The block's normalization is the same float32 sub and mul as above, then the same network and
            // parameters: equal to the bit in practice; 1e-6 is a few ulps of logits of order 1.
            assertArrayEquals(expected, served, 1e-6f);
        }
    }

    @Test
    void aDirectoryWithoutTheKeysIsNamedAsSuch() {
        try (Model model = Model.newInstance("m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ArchitectureBlockFactory().newBlock(model, Path.of("."), Map.of()));
            assertTrue(e.getMessage().contains("pct.input_shape is missing"), e.getMessage());
        }
    }

    /** The keys of a valid 1×8×8, 3-class CNN directory, with {@code edits} applied (a null value removes). */
    private static Map<String, String> keys(String... edits) {
        Map<String, String> keys = new java.util.HashMap<>(Map.of(
                ArchitectureBlockFactory.ARCHITECTURE, "cnn", ArchitectureBlockFactory.INPUT_SHAPE, "1,8,8",
                ArchitectureBlockFactory.CLASSES, "3", ArchitectureBlockFactory.CHANNELS, "4",
                ArchitectureBlockFactory.HIDDEN, "8", ArchitectureBlockFactory.BATCH_NORM, "true",
                ArchitectureBlockFactory.MEAN, "0.3", ArchitectureBlockFactory.STD, "0.2", "engine", "PyTorch",
                "blockFactory", ArchitectureBlockFactory.class.getName()));
        for (int i = 0; i < edits.length; i += 2) {
            if (edits[i + 1] == null) {
                keys.remove(edits[i]);
            } else {
                keys.put(edits[i], edits[i + 1]);
            }
        }
        return keys;
    }

    @Test
    void everyKeyAndValueIsCheckedAndAnErrorNamesTheFileTheKeyAndTheValue() {
        Path dir = Path.of("/models/edited");
        String[][] cases = {
            // key, bad value, expected fragment
            {"pct.architecture", "transformer", "expected one of mlp, cnn, lenet, resnet, torchscript"},
            {"pct.input_shape", "1,8", "expected C,H,W"},
            {"pct.input_shape", "1,8,100000", "comma-separated integers in [1, 8192]"},
            {"pct.classes", "1", "an integer in [2, 1048576]"},
            {"pct.classes", "ten", "an integer in [2, 1048576]"},
            {"pct.hidden", "0", "comma-separated integers in [1, 65536]"},
            {"pct.hidden", "8,", "comma-separated integers in [1, 65536]"},
            {"pct.channels", "99999", "comma-separated integers in [1, 4096]"},
            {"pct.batch_norm", "yes", "true or false"},
            {"pct.dropout", "1.5", "a number in [0.0, 1.0)"},
            {"pct.depth", "abc", "an integer in [1, 1000]"},
            {"pct.mean", "0.3,0.3", "1 comma-separated numbers"},
            {"pct.std", "0", "positive numbers"},
            {"pct.std", "NaN", "positive numbers"},
            {"pct.head", "linear", "pct.head does not apply to architecture cnn"},
            {"pct.layers", "3", "unknown key pct.layers"},
            {"engine", "OnnxRuntime", "expected PyTorch"},
        };
        try (Model model = Model.newInstance("m")) {
            for (String[] c : cases) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new ArchitectureBlockFactory().newBlock(model, dir, keys(c[0], c[1])), c[0] + "=" + c[1]);
                String m = e.getMessage();
                assertTrue(m.startsWith(dir.resolve("serving.properties") + ": "), m);
                assertTrue(m.contains(c[0]) && m.contains(c[2]), c[0] + "=" + c[1] + ": " + m);
            }
            // A depth the CNN ignores is still range-checked; a valid directory builds.
            assertTrue(new ArchitectureBlockFactory().newBlock(model, dir, keys()) != null);
            IllegalArgumentException resnet = assertThrows(IllegalArgumentException.class,
                    () -> new ArchitectureBlockFactory().newBlock(model, dir, keys("pct.architecture", "resnet",
                            "pct.depth", "7")));
            assertTrue(resnet.getMessage().contains("serving.properties: the architecture it declares cannot be built")
                    && resnet.getMessage().contains("depth 7"), resnet.getMessage());
        }
    }
}
