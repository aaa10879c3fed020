package dev.pct.train.model;

import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * A factory of image classifiers from a {@link ModelSpec}; every block maps [N, C, H, W] float32
 * images to [N, numClasses] logits.
 *
 * <ul>
 *   <li>{@code mlp}: flatten, then per hidden width Linear + ReLU (+ dropout), then Linear.
 *   <li>{@code cnn}: per stage Conv 3×3 padding 1 (+ BatchNorm, the conv then has no bias) + ReLU
 *       + max-pool 2×2, then flatten and the {@code mlp} head. Needs H, W ≥ 2^stages.
 *   <li>{@code lenet}: LeNet-5 (LeCun et al. 1998) with ReLU and max pooling: Conv 5×5×6 padding 2
 *       (so 28×28 input behaves like the original 32×32), pool, Conv 5×5×16, pool, Linear 120, 84,
 *       numClasses. {@code hidden} and {@code channels} are ignored. Needs H, W ≥ 12.
 *   <li>{@code resnet}: DJL's {@link ResNetV1} (He et al. 2016). Allowed depths: for H ≤ 32,
 *       {@code 6n + 2} below 164 (8, 14, 20, 32, 44, 56, 110, ...: the 3-stage CIFAR ResNet with
 *       16/32/64 filters) or {@code 9n + 2} from 164 (bottleneck); for H &gt; 28 also the ImageNet
 *       depths 18, 34, 50, 101, 152, 200, 269 (4 stages; DJL uses bottleneck units for all of
 *       them), which for H &gt; 32 are the only ones. Batch normalization is always on; {@code
 *       dropout}, {@code hidden} and {@code channels} are ignored.
 * </ul>
 */
public final class ModelFactory {

    /** The ResNet depths DJL supports for images taller than 28 pixels. */
    public static final List<Integer> IMAGENET_RESNET_DEPTHS = List.of(18, 34, 50, 101, 152, 200, 269);

    /** The largest image height DJL treats as a small-image (CIFAR-style) ResNet input. */
    private static final int DJL_SMALL_IMAGE_HEIGHT = 28;

    private ModelFactory() {}

    /**
     * Builds the classifier described by {@code spec} for the given input.
     *
     * @param spec the architecture
     * @param channels the input channels
     * @param height the input height
     * @param width the input width
     * @param numClasses the number of classes, i.e. outputs
     * @return an uninitialized block producing logits [N, numClasses]
     * @throws IllegalArgumentException if the spec does not fit the input (e.g. too many pooling
     *     stages for the image size, an unsupported ResNet depth)
     */
    public static Block build(ModelSpec spec, int channels, int height, int width, int numClasses) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "input shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        }
        spec.checked();
        switch (spec.type()) {
            case MLP:
                return mlp(spec, channels, height, width, numClasses);
            case CNN:
                return cnn(spec, height, width, numClasses);
            case LENET:
                return lenet(spec, height, width, numClasses);
            case RESNET:
                return resnet(spec, channels, height, width, numClasses);
            default:
                throw new AssertionError("unknown architecture " + spec.type());
        }
    }

    private static Block mlp(ModelSpec spec, int channels, int height, int width, int numClasses) {
        SequentialBlock net = new SequentialBlock();
        net.add(Blocks.batchFlattenBlock((long) channels * height * width));
        addHead(net, spec.hidden(), spec.dropout(), numClasses);
        return net;
    }

    private static Block cnn(ModelSpec spec, int height, int width, int numClasses) {
        int stages = spec.channels().size();
        if (stages > 30 || height >> stages < 1 || width >> stages < 1) {
            throw new IllegalArgumentException(
                    "cnn with "
                            + stages
                            + " pooling stages "
                            + spec.channels()
                            + " needs images of at least "
                            + (1L << Math.min(stages, 62))
                            + " pixels a side, got "
                            + height
                            + "x"
                            + width);
        }
        SequentialBlock net = new SequentialBlock();
        for (int filters : spec.channels()) {
            addConv(net, filters, 3, 1, spec.batchNorm());
            net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        net.add(Blocks.batchFlattenBlock());
        addHead(net, spec.hidden(), spec.dropout(), numClasses);
        return net;
    }

    private static Block lenet(ModelSpec spec, int height, int width, int numClasses) {
        if (height < 12 || width < 12) {
            throw new IllegalArgumentException(
                    "lenet needs images of at least 12x12, got " + height + "x" + width);
        }
        SequentialBlock net = new SequentialBlock();
        addConv(net, 6, 5, 2, spec.batchNorm());
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        addConv(net, 16, 5, 0, spec.batchNorm());
        net.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        net.add(Blocks.batchFlattenBlock());
        addHead(net, List.of(120, 84), spec.dropout(), numClasses);
        return net;
    }

    private static Block resnet(
            ModelSpec spec, int channels, int height, int width, int numClasses) {
        int depth = spec.depth();
        boolean smallImageDepth =
                depth < 164 ? (depth - 2) % 6 == 0 : (depth - 2) % 9 == 0;
        boolean imageNetDepth = IMAGENET_RESNET_DEPTHS.contains(depth);
        int shapeHeight;
        if (height <= DJL_SMALL_IMAGE_HEIGHT) {
            if (!smallImageDepth) {
                throw new IllegalArgumentException(resnetDepthMessage(depth, height));
            }
            shapeHeight = height;
        } else if (imageNetDepth) {
            shapeHeight = height;
        } else if (smallImageDepth && height <= 32) {
            // DJL picks the CIFAR layout only when the height is <= 28; the built blocks do not
            // depend on the height otherwise (3x3 stem for <= 32), so claim 28 to get the CIFAR
            // ResNet for 32x32 inputs, as in He et al.
            shapeHeight = DJL_SMALL_IMAGE_HEIGHT;
        } else {
            throw new IllegalArgumentException(resnetDepthMessage(depth, height));
        }
        return ResNetV1.builder()
                .setImageShape(new Shape(channels, shapeHeight, width))
                .setNumLayers(depth)
                .setOutSize(numClasses)
                .build();
    }

    private static String resnetDepthMessage(int depth, int height) {
        String small = "6n+2 below 164 (8, 14, 20, 32, 44, 56, 110, ...) or 9n+2 from 164";
        String allowed =
                height <= DJL_SMALL_IMAGE_HEIGHT
                        ? small
                        : height <= 32
                                ? IMAGENET_RESNET_DEPTHS + " or " + small
                                : IMAGENET_RESNET_DEPTHS.toString();
        return "resnet depth " + depth + " is not supported for " + height + "-pixel-high images, expected " + allowed;
    }

    private static void addConv(
            SequentialBlock net, int filters, int kernel, int padding, boolean batchNorm) {
        net.add(
                Conv2d.builder()
                        .setKernelShape(new Shape(kernel, kernel))
                        .setFilters(filters)
                        .optPadding(new Shape(padding, padding))
                        // batch norm's shift makes a conv bias redundant
                        .optBias(!batchNorm)
                        .build());
        if (batchNorm) {
            net.add(BatchNorm.builder().build());
        }
        net.add(Activation.reluBlock());
    }

    private static void addHead(
            SequentialBlock net, List<Integer> hidden, double dropout, int numClasses) {
        for (int units : hidden) {
            net.add(Linear.builder().setUnits(units).build());
            net.add(Activation.reluBlock());
            if (dropout > 0) {
                net.add(Dropout.builder().optRate((float) dropout).build());
            }
        }
        net.add(Linear.builder().setUnits(numClasses).build());
    }
}
