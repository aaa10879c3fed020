package dev.pct.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelFactoryTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Initializes the block for [2, c, h, w] input, runs a forward pass, returns the output. */
    private NDArray forward(Block block, int c, int h, int w, boolean training) {
        Shape in = new Shape(2, c, h, w);
        block.initialize(manager, DataType.FLOAT32, in);
        NDArray x = manager.randomNormal(in);
        return block.forward(new ParameterStore(manager, false), new NDList(x), training)
                .singletonOrThrow();
    }

    private static long trainableParameters(Block block) {
        long n = 0;
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    private static ModelSpec.Builder spec(String type) {
        return ModelSpec.builder().setType(type);
    }

    @Test
    void mlpShapeAndParameterCount() {
        Block b = ModelFactory.build(spec("mlp").optHidden(List.of(8)).build(), 1, 28, 28, 10);
        assertEquals(new Shape(2, 10), forward(b, 1, 28, 28, false).getShape());
        assertEquals(784 * 8 + 8 + 8 * 10 + 10, trainableParameters(b));
    }

    @Test
    void mlpComputesReluNetworkOfItsParameters() {
        Block b = ModelFactory.build(spec("mlp").optHidden(List.of(3)).build(), 1, 2, 2, 2);
        Shape in = new Shape(2, 1, 2, 2);
        b.initialize(manager, DataType.FLOAT32, in);
        float[] x = {0.5f, -1f, 2f, 0.25f, -0.3f, 0.8f, 0.1f, -2f};
        NDArray out =
                b.forward(
                                new ParameterStore(manager, false),
                                new NDList(manager.create(x, in)),
                                false)
                        .singletonOrThrow();
        List<Parameter> params = b.getParameters().values();
        // Linear weight is [out, in]; order: W1, b1, W2, b2
        float[] w1 = params.get(0).getArray().toFloatArray();
        float[] b1 = params.get(1).getArray().toFloatArray();
        float[] w2 = params.get(2).getArray().toFloatArray();
        float[] b2 = params.get(3).getArray().toFloatArray();
        float[] expected = new float[4];
        for (int n = 0; n < 2; n++) {
            double[] h = new double[3];
            for (int j = 0; j < 3; j++) {
                double s = b1[j];
                for (int i = 0; i < 4; i++) {
                    s += (double) w1[j * 4 + i] * x[n * 4 + i];
                }
                h[j] = Math.max(0, s);
            }
            for (int k = 0; k < 2; k++) {
                double s = b2[k];
                for (int j = 0; j < 3; j++) {
                    s += w2[k * 3 + j] * h[j];
                }
                expected[n * 2 + k] = (float) s;
            }
        }
        // float32 sums of 4 and 3 products of order 1 against double on the same float parameters: a few ulps
        // (~1e-7); 1e-5 is margin.
        assertArrayEquals(expected, out.toFloatArray(), 1e-5f);
    }

    @Test
    void mlpWithDropoutKeepsShapeInTraining() {
        Block b = ModelFactory.build(spec("mlp").optHidden(List.of(16, 8)).optDropout(0.5).build(), 3, 4, 4, 5);
        assertEquals(new Shape(2, 5), forward(b, 3, 4, 4, true).getShape());
        assertEquals(48 * 16 + 16 + 16 * 8 + 8 + 8 * 5 + 5, trainableParameters(b));
    }

    @Test
    void cnnShapeAndParameterCount() {
        Block b =
                ModelFactory.build(
                        spec("cnn").optChannels(List.of(4)).optHidden(List.of()).build(), 1, 8, 8, 10);
        assertEquals(new Shape(2, 10), forward(b, 1, 8, 8, false).getShape());
        // conv 3x3 1->4 with bias, then 4 x 4 x 4 features -> 10
        assertEquals(1 * 4 * 9 + 4 + 64 * 10 + 10, trainableParameters(b));
    }

    @Test
    void cnnWithBatchNormDropsConvBias() {
        Block b =
                ModelFactory.build(
                        spec("cnn").optChannels(List.of(4, 6)).optHidden(List.of(5)).optBatchNorm(true).build(),
                        3, 8, 8, 10);
        assertEquals(new Shape(2, 10), forward(b, 3, 8, 8, true).getShape());
        long conv1 = 3 * 4 * 9 + 2 * 4; // no bias, BN gamma + beta
        long conv2 = 4 * 6 * 9 + 2 * 6;
        long head = (6 * 2 * 2) * 5 + 5 + 5 * 10 + 10;
        assertEquals(conv1 + conv2 + head, trainableParameters(b));
    }

    @Test
    void cnnWithTooManyStagesForImageIsRejected() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ModelFactory.build(spec("cnn").optChannels(List.of(4, 4, 4, 4)).build(), 1, 8, 8, 10));
        assertTrue(e.getMessage().contains("16") && e.getMessage().contains("8x8"), e.getMessage());
    }

    @Test
    void lenetOnMnistSizeHasClassicParameterCount() {
        Block b = ModelFactory.build(ModelSpec.of(Architecture.LENET), 1, 28, 28, 10);
        assertEquals(new Shape(2, 10), forward(b, 1, 28, 28, false).getShape());
        long expected = (25 * 6 + 6) + (6 * 25 * 16 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
        assertEquals(61_706, expected);
        assertEquals(expected, trainableParameters(b));
    }

    @Test
    void lenetAdaptsToCifarSize() {
        Block b = ModelFactory.build(ModelSpec.of(Architecture.LENET), 3, 32, 32, 100);
        assertEquals(new Shape(2, 100), forward(b, 3, 32, 32, false).getShape());
        // 32 -> 16 -> 12 -> 6: the flattened features are 16 * 6 * 6
        long expected = (3 * 25 * 6 + 6) + (6 * 25 * 16 + 16) + (576 * 120 + 120) + (120 * 84 + 84) + (84 * 100 + 100);
        assertEquals(expected, trainableParameters(b));
        assertThrows(IllegalArgumentException.class, () -> ModelFactory.build(ModelSpec.of(Architecture.LENET), 1, 11, 28, 10));
    }

    @Test
    void smallResNetOnTinyImages() {
        Block b = ModelFactory.build(spec("resnet").optDepth(8).build(), 1, 8, 8, 3);
        assertEquals(new Shape(2, 3), forward(b, 1, 8, 8, true).getShape());
    }

    @Test
    void resnet20OnCifarIsTheThreeStageNetwork() {
        Block b = ModelFactory.build(spec("resnet").optDepth(20).build(), 3, 32, 32, 10);
        assertEquals(new Shape(2, 10), forward(b, 3, 32, 32, false).getShape());
        // By hand for DJL's unit: two bias-free 3x3 convs with BN (gamma, beta), plus a 1x1
        // projection with BN on the first unit of each stage.
        long stem = 3 * 16 * 9;
        long stage1 = (16 * 16 * 9 * 2 + 4 * 16 + 16 * 16 + 2 * 16) + 2 * (16 * 16 * 9 * 2 + 4 * 16);
        long stage2 = (16 * 32 * 9 + 32 * 32 * 9 + 4 * 32 + 16 * 32 + 2 * 32) + 2 * (32 * 32 * 9 * 2 + 4 * 32);
        long stage3 = (32 * 64 * 9 + 64 * 64 * 9 + 4 * 64 + 32 * 64 + 2 * 64) + 2 * (64 * 64 * 9 * 2 + 4 * 64);
        long head = 64 * 10 + 10;
        assertEquals(stem + stage1 + stage2 + stage3 + head, trainableParameters(b));
    }

    @Test
    void unsupportedResNetDepthsNameAllowedValues() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ModelFactory.build(spec("resnet").optDepth(19).build(), 3, 32, 32, 10));
        assertTrue(e.getMessage().contains("19") && e.getMessage().contains("[18, 34, 50"), e.getMessage());
        // ImageNet depths need images taller than 28 pixels
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ModelFactory.build(spec("resnet").optDepth(18).build(), 1, 28, 28, 10));
        assertTrue(e.getMessage().contains("6n+2"), e.getMessage());
        // small-image depths need images up to 32 pixels
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelFactory.build(spec("resnet").optDepth(20).build(), 3, 64, 64, 10));
    }

    @Test
    void badClassCountIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ModelFactory.build(ModelSpec.of(Architecture.MLP), 1, 4, 4, 1));
    }
}
