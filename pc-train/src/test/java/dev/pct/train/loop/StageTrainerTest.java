package dev.pct.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.core.loss.LossParts;
import dev.pct.core.loss.SampleFilter;
import dev.pct.core.testing.GcPressure;
import dev.pct.train.data.BatchSource;
import dev.pct.train.model.ModelFactory;
import dev.pct.train.model.ModelSpec;
import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.OptimizerSettings;
import dev.pct.train.optim.PcOptimizer;
import dev.pct.train.optim.ScheduleSettings;
import dev.pct.train.teacher.CachedTeacher;
import dev.pct.train.teacher.TeacherSource;
import dev.pct.train.update.NewModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StageTrainerTest {
    private static final int N = 200;
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;

    /** Three Gaussian blobs in 6 dimensions: easy enough that a small MLP must learn them. */
    private static final class Blobs implements BatchSource {
        final float[] x = new float[N * FEATURES];
        final int[] y = new int[N];

        Blobs() {
            Random r = new Random(7);
            for (int i = 0; i < N; i++) {
                y[i] = i % CLASSES;
                for (int f = 0; f < FEATURES; f++) {
                    x[i * FEATURES + f] = (float) (r.nextGaussian() * 0.5 + (f % CLASSES == y[i] ? 2 : 0));
                }
            }
        }

        @Override
        public int size() {
            return N;
        }

        @Override
        public int[] labels() {
            return y;
        }

        @Override
        public int numClasses() {
            return CLASSES;
        }

        @Override
        public Shape sampleShape() {
            return new Shape(1, 1, FEATURES);
        }

        @Override
        public NDArray images(NDManager manager, int[] indices, Random augment) {
            float[] batch = new float[indices.length * FEATURES];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(x, indices[i] * FEATURES, batch, i * FEATURES, FEATURES);
            }
            return manager.create(batch, new Shape(indices.length, 1, 1, FEATURES));
        }

        @Override
        public boolean augments() {
            return false;
        }
    }

    private static TrainingSettings settings(int epochs) {
        return TrainingSettings.builder()
                .optEpochs(epochs)
                .optBatchSize(32)
                .optOptimizer(new OptimizerSettings(PcOptimizer.Kind.NESTEROV, 0.9, 0.9, 0.999, 1e-8))
                .optLearningRate(0.05)
                .optSchedule(new ScheduleSettings(LearningRateSchedule.Type.CONSTANT, 0, 1, 1, 0))
                .optWeightDecay(1e-4)
                .optGradClipNorm(5.0)
                .optLogEverySteps(0)
                .optCheckpointEveryEpochs(0)
                .build();
    }

    private static final NewModel MLP = NewModel.of("mlp [16]", StageTrainerTest::mlp);

    private static Block mlp() {
        return ModelFactory.build(ModelSpec.builder().setType("mlp").optHidden(List.of(16)).build(), 1, 1, FEATURES,
                CLASSES);
    }

    @Test
    void liveArraysStayFlatFromEpochToEpochAndTheModelLearns() throws IOException {
        Blobs data = new Blobs();
        // Teacher: a fixed "old model" that is right on two classes and always says class 0 for the third.
        float[] oldLogits = new float[N * CLASSES];
        for (int i = 0; i < N; i++) {
            int said = data.y[i] == 2 ? 0 : data.y[i];
            oldLogits[i * CLASSES + said] = 3f;
        }
        FocalDistillationLoss loss = FocalDistillationLoss.builder().optTau(1f).build();
        for (Loss l : new Loss[] {Loss.softmaxCrossEntropyLoss(), loss}) {
            try (Model model = Model.newInstance("t", Device.cpu())) {
                TeacherSource teacher;
                try (NDManager scratch = model.getNDManager().newSubManager()) {
                    teacher = l == loss
                            ? CachedTeacher.compute(loss, oldLogits, data.y, CLASSES, scratch)
                            : TeacherSource.NONE;
                }
                List<EpochRow> rows = new StageTrainer("t", 1, settings(5), StageLoss.of(l), teacher, Device.cpu(), null)
                        .train(model, MLP, data, (row, block) -> { }).rows();
                // Epoch 1 creates the optimizer's momentum buffers; after that nothing may accumulate.
                for (int e = 2; e < rows.size(); e++) {
                    assertEquals(rows.get(1).liveArrays(), rows.get(e).liveArrays(),
                            l.getName() + ": live arrays at epoch " + (e + 1) + " vs epoch 2");
                }
                assertTrue(rows.get(4).trainLoss() < rows.get(0).trainLoss() * 0.7,
                        l.getName() + " did not learn: " + rows.get(0).trainLoss() + " -> " + rows.get(4).trainLoss());
            }
        }
    }

    /** The stage's loss, with a garbage collection and fresh native memory between it and backward. */
    private static final class Pressured implements StageLoss {
        private final StageLoss inner;
        private List<ByteBuffer> held;

        Pressured(StageLoss inner) {
            this.inner = inner;
        }

        @Override
        public LossParts evaluate(NDList labels, NDList predictions) {
            LossParts parts = inner.evaluate(labels, predictions);
            held = GcPressure.apply();
            return parts;
        }

        @Override
        public Loss loss() {
            return inner.loss();
        }
    }

    @Test
    void trainingStepsUnderGarbageCollectionGiveTheSameParameters() throws IOException {
        Blobs data = new Blobs();
        float[] oldLogits = new float[N * CLASSES];
        for (int i = 0; i < N; i++) {
            oldLogits[i * CLASSES + (i % 4 == 0 ? (data.y[i] + 1) % CLASSES : data.y[i])] = 2f;
        }
        // The soft-target path (tau 1), the general KL path (tau 4, with the precise value) and logit matching.
        for (FocalDistillationLoss loss : new FocalDistillationLoss[] {
                FocalDistillationLoss.builder().optTau(1f).build(),
                FocalDistillationLoss.builder().optTau(4f).optFilter(SampleFilter.NEGATIVE_FLIP).build(),
                FocalDistillationLoss.builder().optDistance(Distance.LOGIT_MATCHING).optLambda(0.1f).build()}) {
            List<float[]> quiet = trainTwoEpochs(data, oldLogits, loss, false);
            List<float[]> pressed = trainTwoEpochs(data, oldLogits, loss, true);
            for (int k = 0; k < quiet.size(); k++) {
                assertArrayEquals(quiet.get(k), pressed.get(k), 0f,
                        loss.getDistance() + " tau " + loss.getTau() + ": parameter " + k);
            }
        }
    }

    private static List<float[]> trainTwoEpochs(Blobs data, float[] oldLogits, FocalDistillationLoss loss,
            boolean pressure) throws IOException {
        try (Model model = Model.newInstance("t", Device.cpu())) {
            TeacherSource teacher;
            try (NDManager scratch = model.getNDManager().newSubManager()) {
                teacher = CachedTeacher.compute(loss, oldLogits, data.y, CLASSES, scratch);
            }
            StageLoss stageLoss = pressure ? new Pressured(StageLoss.of(loss)) : StageLoss.of(loss);
            new StageTrainer("t", 3, settings(2), stageLoss, teacher, Device.cpu(), null)
                    .train(model, MLP, data, (row, block) -> { });
            List<float[]> parameters = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                parameters.add(p.getValue().getArray().toFloatArray());
            }
            return parameters;
        }
    }

    @Test
    void gradientClippingScalesToTheGlobalNormComputedByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Global norm of (3, 4) and (12): sqrt(9 + 16 + 144) = 13 (the norms 5 and 12, then sqrt(25 + 144)).
            List<NDArray> grads = new ArrayList<>(List.of(m.create(new float[] {3f, 4f}), m.create(new float[] {12f})));
            NDArray norm = StageTrainer.clipGradients(grads, m.full(new Shape(), 6.5f));
            // sqrt(169) = 13 is exact in float32; the scale 6.5 / (13 + 1e-6) is 0.5 within 4e-8, so the scaled
            // values are within 1e-6 of 1.5, 2 and 6; 1e-5 is slack.
            assertEquals(13f, norm.getFloat(), 1e-5f);
            assertEquals(1.5f, grads.get(0).toFloatArray()[0], 1e-5f);
            assertEquals(2f, grads.get(0).toFloatArray()[1], 1e-5f);
            assertEquals(6f, grads.get(1).toFloatArray()[0], 1e-5f);
            // Under the limit the scale is exactly 1: nothing changes.
            float before = grads.get(1).toFloatArray()[0];
            StageTrainer.clipGradients(grads, m.full(new Shape(), 100f));
            assertEquals(before, grads.get(1).toFloatArray()[0], 0f); // exact: times 1
            // Nothing made inside is left behind but the norm the caller owns.
            int arrays = m.getManagedArrays().size();
            StageTrainer.clipGradients(grads, m.full(new Shape(), 100f)).close();
            assertEquals(arrays + 1, m.getManagedArrays().size(), "only the new maximum stays");
        }
    }
}
