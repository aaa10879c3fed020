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
}
