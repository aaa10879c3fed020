package dev.pct.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.pct.train.data.BatchMaker;
import dev.pct.train.data.ImageSet;
import dev.pct.train.data.Normalizer;
import dev.pct.train.data.SyntheticData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model and batch path that can memorize one small batch: the sanity check that gradients flow
 * through every layer type and that the int64 labels from {@link BatchMaker} fit DJL's loss.
 */
class OverfitOneBatchTest {

    private static float overfit(ModelSpec spec) {
        ImageSet data = SyntheticData.generate(16, 1, 4, 1, 8, 8, 0.3, 11).train();
        BatchMaker maker =
                BatchMaker.builder().setData(data).optNormalizer(Normalizer.fit(data)).build();
        int[] all = BatchMaker.sequentialIndices(16);
        Engine.getInstance().setRandomSeed(13);
        try (Model model = Model.newInstance("overfit", Device.cpu())) {
            model.setBlock(ModelFactory.build(spec, 1, 8, 8, 4));
            DefaultTrainingConfig config =
                    new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                            .optDevices(new Device[] {Device.cpu()})
                            .optOptimizer(
                                    Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = model.newTrainer(config);
                    NDManager batchManager = model.getNDManager().newSubManager()) {
                NDArray x = maker.images(batchManager, all, null);
                NDArray y = maker.labels(batchManager, all);
                trainer.initialize(x.getShape());
                Loss loss = Loss.softmaxCrossEntropyLoss();
                float last = Float.NaN;
                for (int step = 0; step < 150; step++) {
                    try (NDManager stepManager = batchManager.newSubManager();
                            GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                        gc.backward(l);
                        last = l.getFloat();
                        l.tempAttach(stepManager);
                        logits.tempAttach(stepManager);
                    }
                    trainer.step();
                }
                NDArray predicted =
                        trainer.evaluate(new NDList(x)).singletonOrThrow().argMax(1);
                long correct = predicted.eq(y).sum().getLong();
                assertEquals(16, correct, "training accuracy on the memorized batch");
                return last;
            }
        }
    }

    // Not a precision bound: chance cross-entropy over 4 classes is log 4 ≈ 1.39, and a mean below 0.05 (a
    // true-class probability of about 0.95) only a memorized batch reaches.
    @Test
    void mlpMemorizesOneBatch() {
        float loss = overfit(ModelSpec.builder().setType("mlp").optHidden(List.of(32)).build());
        assertTrue(loss < 0.05, "final loss " + loss);
    }

    @Test
    void cnnWithBatchNormMemorizesOneBatch() {
        float loss =
                overfit(
                        ModelSpec.builder()
                                .setType("cnn")
                                .optChannels(List.of(8, 8))
                                .optHidden(List.of(16))
                                .optBatchNorm(true)
                                .build());
        assertTrue(loss < 0.05, "final loss " + loss);
    }
}
