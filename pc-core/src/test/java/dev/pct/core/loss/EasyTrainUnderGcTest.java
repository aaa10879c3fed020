package dev.pct.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import dev.pct.core.metrics.FlipEvaluator;
import dev.pct.core.testing.GcPressure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The loss in DJL's own training loop ({@link EasyTrain#fit}) with the {@link FlipEvaluator}: garbage
 * collection between the loss and {@code backward} in every step changes neither the trained parameters
 * nor what the loss and the evaluator report.
 */
class EasyTrainUnderGcTest {

    private static final int SAMPLES = 64;
    private static final int FEATURES = 8;
    private static final int CLASSES = 4;

    /** What one training run ended with. */
    private record Outcome(List<float[]> parameters, float trainLoss, float trainNfr, float firstLoss) {}

    @Test
    void easyTrainGivesTheSameModelAndMetricsWhateverTheCollectorDoes() throws IOException, TranslateException {
        for (float tau : new float[] {1f, 4f}) {
            Outcome quiet = train(tau, false);
            Outcome pressed = train(tau, true);
            assertEquals(quiet.parameters().size(), pressed.parameters().size());
            // 0f throughout: the same seeded run of deterministic CPU ops; any difference is the collector's doing.
            for (int k = 0; k < quiet.parameters().size(); k++) {
                assertArrayEquals(quiet.parameters().get(k), pressed.parameters().get(k), 0f, "parameter " + k);
            }
            assertEquals(quiet.trainLoss(), pressed.trainLoss(), 0f, "train loss");
            assertEquals(quiet.trainNfr(), pressed.trainNfr(), 0f, "train NFR");
            assertTrue(quiet.trainLoss() < quiet.firstLoss(), "the model learns: " + quiet);
        }
    }

    private static Outcome train(float tau, boolean pressure) throws IOException, TranslateException {
        Random random = new Random(5);
        float[] x = new float[SAMPLES * FEATURES];
        float[] y = new float[SAMPLES];
        float[] old = new float[SAMPLES * CLASSES];
        for (int i = 0; i < SAMPLES; i++) {
            y[i] = random.nextInt(CLASSES);
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) random.nextGaussian() + (f % CLASSES == y[i] ? 1.5f : 0f);
            }
            for (int c = 0; c < CLASSES; c++) {
                // An old model that is right on about two thirds of the samples.
                old[i * CLASSES + c] = (float) random.nextGaussian() + (c == (i % 3 == 0 ? (y[i] + 1) % CLASSES : y[i]) ? 2f : 0f);
            }
        }
        FocalDistillationLoss focal = FocalDistillationLoss.builder().optAlpha(0.5f).optBeta(2f).optTau(tau).build();
        Pressured loss = new Pressured(focal, pressure);
        Engine.getInstance().setRandomSeed(11);
        try (Model model = Model.newInstance("easy-train");
                NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(Linear.builder().setUnits(CLASSES).build());
            ArrayDataset dataset = new ArrayDataset.Builder()
                    .setData(manager.create(x, new Shape(SAMPLES, FEATURES)))
                    .optLabels(manager.create(y), manager.create(old, new Shape(SAMPLES, CLASSES)))
                    .setSampling(16, false)
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                    .addEvaluator(new FlipEvaluator(CLASSES))
                    .addTrainingListeners(TrainingListener.Defaults.basic());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, FEATURES));
                EasyTrain.fit(trainer, 1, dataset, null);
                float firstLoss = trainer.getTrainingResult().getTrainLoss();
                EasyTrain.fit(trainer, 3, dataset, null);
                TrainingResult result = trainer.getTrainingResult();
                List<float[]> parameters = new ArrayList<>();
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    parameters.add(p.getValue().getArray().toFloatArray());
                }
                return new Outcome(parameters, result.getTrainLoss(), result.getTrainEvaluation("NegativeFlipRate"),
                        firstLoss);
            }
        }
    }

    /** The focal loss, with a collection and fresh native memory after every evaluation when asked. */
    private static final class Pressured extends Loss {
        private final FocalDistillationLoss inner;
        private final boolean pressure;
        private List<ByteBuffer> held;

        Pressured(FocalDistillationLoss inner, boolean pressure) {
            super(inner.getName());
            this.inner = inner;
            this.pressure = pressure;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray value = inner.evaluate(labels, predictions);
            if (pressure) {
                held = GcPressure.apply();
            }
            return value;
        }

        @Override
        public void addAccumulator(String key) {
            inner.addAccumulator(key);
        }

        @Override
        public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
            inner.updateAccumulators(keys, labels, predictions);
        }

        @Override
        public void resetAccumulator(String key) {
            inner.resetAccumulator(key);
        }

        @Override
        public float getAccumulator(String key) {
            return inner.getAccumulator(key);
        }
    }
}
