package dev.pct.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the new model (forward, loss, backward, SGD-with-momentum update) with
 * cross-entropy alone against cross-entropy plus focal distillation (KL at tau 1, teacher labels
 * precomputed), for an MLP and a CNN on a batch of 128 28×28×1 inputs with 10 classes: how much of
 * a real step the PC loss costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
@State(Scope.Thread)
public class TrainingStepBenchmark {

    /** The batch size of one step. */
    public static final int BATCH_SIZE = 128;

    /** The number of classes. */
    public static final int NUM_CLASSES = 10;

    /** Where the model trains: {@code cpu} or {@code gpu}. */
    @Param({"cpu", "gpu"})
    public String device;

    /** The new model: {@code mlp} or {@code cnn}. */
    @Param({"mlp", "cnn"})
    public String model;

    /** {@code ce} (cross-entropy alone) or {@code focal_kl} (with focal distillation, KL tau 1). */
    @Param({"ce", "focal_kl"})
    public String loss;

    private boolean skipped;
    private Model djlModel;
    private Trainer trainer;
    private NDManager manager;
    private NDList inputs;
    private NDList lossLabels;
    private Loss lossFunction;

    /** Builds the model and trainer and one fixed batch. */
    @Setup(Level.Trial)
    public void setUp() {
        Device dev = BenchDevices.resolve(device);
        skipped = dev == null;
        if (skipped) {
            return;
        }
        Engine.getInstance().setRandomSeed(42);
        NDArray labels;
        manager = NDManager.newBaseManager(dev);
        NDArray images = manager.randomUniform(0f, 1f, new Shape(BATCH_SIZE, 1, 28, 28));
        labels = manager.randomInteger(0, NUM_CLASSES, new Shape(BATCH_SIZE), DataType.INT64);
        inputs = new NDList(images);
        switch (loss) {
            case "ce":
                lossFunction = new SoftmaxCrossEntropyLoss();
                lossLabels = new NDList(labels);
                break;
            case "focal_kl":
                FocalDistillationLoss focal = LossPathBenchmark.focalDistillation(Distance.KL, 1f);
                lossFunction = focal;
                // The old model's logits are a fixed input here, as when read from a saved file.
                NDArray oldLogits = manager.randomNormal(0f, 2f, new Shape(BATCH_SIZE, NUM_CLASSES),
                        DataType.FLOAT32);
                lossLabels = focal.teacherLabels(labels, oldLogits);
                break;
            default:
                throw new IllegalArgumentException(
                        "loss: expected ce or focal_kl, got '" + loss + "'");
        }
        djlModel = Model.newInstance("bench-" + model, dev);
        djlModel.setBlock(BenchModels.build(model, NUM_CLASSES));
        DefaultTrainingConfig config = new DefaultTrainingConfig(lossFunction)
                .optDevices(new Device[] {dev})
                .optOptimizer(Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(0.01f))
                        .optMomentum(0.9f)
                        .build());
        trainer = djlModel.newTrainer(config);
        trainer.initialize(new Shape(BATCH_SIZE, 1, 28, 28));
        // The first step creates the parameter mirrors and the momentum state; make them here,
        // outside the per-step scope that would close them.
        try (GradientCollector collector = trainer.newGradientCollector()) {
            collector.backward(lossFunction.evaluate(lossLabels, trainer.forward(inputs)));
        }
        trainer.step();
    }

    /** Closes the trainer, the model and the batch. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (trainer != null) {
            trainer.close();
        }
        if (djlModel != null) {
            djlModel.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    /**
     * One training step.
     *
     * @return the loss value, read to the host after the update
     */
    @Benchmark
    public float trainingStep() {
        if (skipped) {
            return 0f;
        }
        return step();
    }

    float step() {
        NDArray value;
        // The scope frees the activations and the loss, which land in the batch's manager; it
        // must not reach the optimizer update, whose state arrays live as long as the trainer.
        try (NDScope scope = new NDScope();
                GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(inputs);
            value = lossFunction.evaluate(lossLabels, predictions);
            collector.backward(value);
            NDScope.unregister(value);
        }
        trainer.step();
        try (value) {
            return value.getFloat();
        }
    }
}
