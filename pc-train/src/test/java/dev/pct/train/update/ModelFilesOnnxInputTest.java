package dev.pct.train.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.pct.train.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An ONNX old model given a batch of another rank or size is refused with the shape it declares and the batch's,
 * on the probe {@link OldModelFiles#check} runs before training (fixture of {@code make_hostile_fixtures.py}).
 */
class ModelFilesOnnxInputTest {

    private static final Path FLAT = Fixtures.models().resolve("tiny-flat.onnx");

    @Test
    void theDeclaredShapeIsReadFromTheFile() {
        assertEquals(new Shape(-1, 64), OnnxInputs.declaredShape(FLAT));
        assertNull(OnnxInputs.declaredShape(Fixtures.models().resolve("tiny-old-mlp.pt")), "not ONNX");
    }

    @Test
    void aBatchOfAnotherRankOrSizeIsRefusedWithBothShapes() throws Exception {
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(FLAT).optEngine("OnnxRuntime").optTranslator(new NoopTranslator()).build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                OldModel old = new OldModel.PredictorOldModel(predictor, null, "ONNX tiny-flat.onnx", "id",
                        List.of(), () -> OnnxInputs.declaredShape(FLAT));
                NDManager manager = NDManager.newBaseManager()) {
            // Images (1, 8, 8) for a model exported on flat inputs of 64, and a flat sample of the wrong size.
            for (Shape sample : List.of(new Shape(1, 8, 8), new Shape(63))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> OldModelFiles.check(old, sample, 4, manager, old.description()));
                assertEquals("ONNX tiny-flat.onnx: takes input of shape (-1, 64) (-1: any size), the batch has shape "
                        + new Shape(2).addAll(sample) + "; expected the data prepared to the model's input (its image"
                        + " size and channels, flattened or not as it was exported)", e.getMessage());
            }
            OldModelFiles.check(old, new Shape(64), 4, manager, old.description());
            assertEquals(new Shape(3, 4), old.logits(manager, manager.zeros(new Shape(3, 64))).getShape());
        }
        // Without the declared shape, the engine's refusal still names the model and the batch.
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                OldModel old = new OldModel.PredictorOldModel(predictor, null, "ONNX tiny-flat.onnx", "id");
                NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OldModelFiles.check(old, new Shape(1, 8, 8), 4, manager, old.description()));
            assertTrue(e.getMessage().startsWith("ONNX tiny-flat.onnx: does not accept input of shape (2, 1, 8, 8)"),
                    e.getMessage());
        }
    }
}
