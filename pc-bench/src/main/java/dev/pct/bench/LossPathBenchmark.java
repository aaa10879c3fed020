package dev.pct.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.pct.core.loss.ClassReduction;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.SampleFilter;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The hot loss path: forward and backward of a loss to the gradient of the new logits, for the
 * naive autograd composition ({@link NaiveFocalDistillation}), the closed-form {@link
 * FocalDistillationLoss} with teacher labels precomputed once (as the training job does), and
 * DJL's {@link SoftmaxCrossEntropyLoss} as the floor.
 *
 * <p>Each invocation opens a sub-manager, makes a fresh gradient leaf of the logits (a detached
 * view, no copy), evaluates the loss under a gradient collector, runs backward, reads the loss to
 * the host (so queued GPU work, backward included, is inside the measured time) and closes
 * everything it made.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class LossPathBenchmark {

    /** Inputs shared by both benchmarks: logits, labels and old logits of one batch. */
    @State(Scope.Thread)
    public static class Batch {

        /** Where the arrays live and the ops run: {@code cpu} or {@code gpu}. */
        @Param({"cpu", "gpu"})
        public String device;

        /** N, the batch size. */
        @Param({"256", "1024", "4096"})
        public int batchSize;

        /** C, the number of classes. */
        @Param({"10", "100", "1000"})
        public int numClasses;

        NDManager manager;
        NDArray newLogits;
        NDArray labels;
        NDArray oldLogits;
        boolean skipped;

        @Setup(Level.Trial)
        public void setUpBatch() {
            Device dev = BenchDevices.resolve(device);
            skipped = dev == null;
            if (skipped) {
                return;
            }
            manager = NDManager.newBaseManager(dev);
            Engine.getInstance().setRandomSeed(42);
            Shape shape = new Shape(batchSize, numClasses);
            newLogits = manager.randomNormal(0f, 2f, shape, DataType.FLOAT32);
            // Old logits correlated with the new ones so that argmax agreement is realistic.
            oldLogits = newLogits.add(manager.randomNormal(0f, 1f, shape, DataType.FLOAT32));
            labels = manager.randomInteger(0, numClasses, new Shape(batchSize), DataType.INT64);
        }

        @TearDown(Level.Trial)
        public void tearDownBatch() {
            if (manager != null) {
                manager.close();
            }
        }
    }

    /** A focal distillation case: one distance setting and one implementation. */
    @State(Scope.Thread)
    public static class FocalCase {

        /** The distance: KL at tau 1, KL at tau 100, or logit matching. */
        @Param({"kl_tau1", "kl_tau100", "lm"})
        public String distance;

        /** {@code naive} (autograd composition, raw labels) or {@code pct} (closed form). */
        @Param({"naive", "pct"})
        public String impl;

        Loss loss;
        NDList lossLabels;

        @Setup(Level.Trial)
        public void setUpCase(Batch batch) {
            if (batch.skipped) {
                return;
            }
            Distance d = "lm".equals(distance) ? Distance.LOGIT_MATCHING : Distance.KL;
            float tau = "kl_tau100".equals(distance) ? 100f : 1f;
            if (!"kl_tau1".equals(distance) && !"kl_tau100".equals(distance) && !"lm".equals(distance)) {
                throw new IllegalArgumentException(
                        "distance: expected kl_tau1, kl_tau100 or lm, got '" + distance + "'");
            }
            switch (impl) {
                case "naive":
                    loss = new NaiveFocalDistillation(focalDistillation(d, tau));
                    lossLabels = new NDList(batch.labels, batch.oldLogits);
                    break;
                case "pct":
                    FocalDistillationLoss pct = focalDistillation(d, tau);
                    loss = pct;
                    lossLabels = pct.teacherLabels(batch.labels, batch.oldLogits);
                    break;
                default:
                    throw new IllegalArgumentException(
                            "impl: expected naive or pct, got '" + impl + "'");
            }
        }
    }

    static FocalDistillationLoss focalDistillation(Distance distance, float tau) {
        return FocalDistillationLoss.builder()
                .optAlpha(1f)
                .optBeta(5f)
                .optTau(tau)
                .optLambda(1f)
                .optDistance(distance)
                .optFilter(SampleFilter.OLD_CORRECT)
                .optClassReduction(ClassReduction.SUM)
                .build();
    }

    /**
     * Focal distillation loss, forward and backward.
     *
     * @param batch the inputs
     * @param focal the case
     * @param bh sink for the loss value
     */
    @Benchmark
    public void focalDistillation(Batch batch, FocalCase focal, Blackhole bh) {
        if (batch.skipped) {
            return;
        }
        bh.consume(step(batch, focal.loss, focal.lossLabels));
    }

    /**
     * DJL's softmax cross-entropy alone, forward and backward: the floor of any loss on this path.
     *
     * @param batch the inputs
     * @param ce the cross-entropy loss and its labels
     * @param bh sink for the loss value
     */
    @Benchmark
    public void crossEntropy(Batch batch, CrossEntropyCase ce, Blackhole bh) {
        if (batch.skipped) {
            return;
        }
        bh.consume(step(batch, ce.loss, ce.lossLabels));
    }

    /** DJL's softmax cross-entropy with sparse labels. */
    @State(Scope.Thread)
    public static class CrossEntropyCase {
        Loss loss;
        NDList lossLabels;

        @Setup(Level.Trial)
        public void setUpCase(Batch batch) {
            loss = new SoftmaxCrossEntropyLoss();
            lossLabels = batch.skipped ? null : new NDList(batch.labels);
        }
    }

    /**
     * One forward and backward pass; shared by the benchmarks and by the smoke test.
     *
     * @return the loss value read to the host
     */
    static float step(Batch batch, Loss loss, NDList lossLabels) {
        try (NDScope scope = new NDScope();
                NDManager sub = batch.manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            // A detached view: a new autograd leaf each time, so gradients never accumulate.
            NDArray z = batch.newLogits.stopGradient();
            z.attach(sub);
            z.setRequiresGradient(true);
            NDArray value = loss.evaluate(lossLabels, new NDList(z));
            value.attach(sub);
            collector.backward(value);
            return value.getFloat();
        }
    }
}
