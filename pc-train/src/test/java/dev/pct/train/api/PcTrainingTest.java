package dev.pct.train.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.dataset.ArrayDataset;
import dev.pct.core.loss.Distance;
import dev.pct.core.loss.FocalDistillationLoss;
import dev.pct.train.data.PcData;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.optim.LearningRateSchedule;
import dev.pct.train.optim.ScheduleSettings;
import dev.pct.train.reference.Reference;
import dev.pct.train.report.ModelResult;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.OldModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PC training as a library, with DJL datasets and models as a user's own code has them. */
class PcTrainingTest {

    private static final int FEATURES = 12;
    private static final int CLASSES = 3;

    @TempDir
    Path tmp;

    /** Blobs: class c is brighter on features c, c+3, c+6, c+9. */
    private static ArrayDataset blobs(NDManager manager, int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(CLASSES);
            y[i] = c;
            for (int f = 0; f < FEATURES; f++) {
                x[i * FEATURES + f] = (float) random.nextGaussian() + (f % CLASSES == c ? 1.2f : 0f);
            }
        }
        return new ArrayDataset.Builder()
                .setData(manager.create(x, new Shape(n, FEATURES)))
                .optLabels(manager.create(y))
                .setSampling(32, false)
                .build();
    }

    private static TrainingSettings training(int epochs) {
        return TrainingSettings.builder()
                .optEpochs(epochs)
                .optBatchSize(32)
                .optLearningRate(0.1)
                .optSchedule(new ScheduleSettings(LearningRateSchedule.Type.CONSTANT, 0, 1, 1, 0))
                .optLogEverySteps(0)
                .build();
    }

    private static SequentialBlock mlp(int hidden) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(hidden).build())
                .add(ai.djl.nn.Activation.reluBlock())
                .add(Linear.builder().setUnits(CLASSES).build());
    }

    @Test
    void djlDatasetsAndAUsersOwnOldModelAndBlockTrainAndReport() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                Model old = Model.newInstance("production")) {
            // The production model: a small linear classifier, trained elsewhere (here: fitted quickly below).
            old.setBlock(Linear.builder().setUnits(CLASSES).build());
            old.getBlock().initialize(old.getNDManager(), DataType.FLOAT32, new Shape(1, FEATURES));
            PcData data = PcData.of(blobs(manager, 300, 1), blobs(manager, 60, 2), blobs(manager, 120, 3), CLASSES,
                    manager);
            java.util.Map<String, Object> caller = new java.util.LinkedHashMap<>();
            for (int k = 9; k >= 0; k--) {
                caller.put("fact" + k, k);
            }
            PcResult result = PcTraining.builder()
                    .setRunDirectory(tmp.resolve("run"))
                    .setData(data)
                    .setOldModel(OldModel.of(old))
                    .setNewModel(NewModel.of("mlp 16", () -> mlp(16)))
                    .optLoss(FocalDistillationLoss.builder().optTau(1f).optAlpha(0f).optBeta(1f).build())
                    .optTraining(training(4))
                    .optDevice(Device.cpu())
                    .optProvenance(caller)
                    .build()
                    .run();
            // run-info.json lists the caller's facts first, in the caller's order (10! orders are possible).
            List<String> keys = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.runDirectory().resolve("run-info.json")
                    .toFile()).fieldNames().forEachRemaining(keys::add);
            assertEquals(List.copyOf(caller.keySet()), keys.subList(0, caller.size()));
            List<String> models = result.results().models().stream().map(ModelResult::model).toList();
            assertEquals(List.of("baseline", "pc"), models);
            ModelResult pc = result.results().models().get(1);
            assertEquals(120, pc.testPredictions().length);
            double error = pc.vsOld().errorRateNew();
            // Chance is 2/3 with 3 classes; over 120 test samples its standard error is 0.043, so 0.4 is 6 below.
            assertTrue(error < 0.4, "the PC model learns the blobs: error " + error);
            assertTrue(Files.exists(result.runDirectory().resolve("report.md")));
            // A block supplied by code exports its parameters; loading needs the same block.
            Path exported = result.models().get("pc seed 1");
            assertTrue(Files.exists(exported.resolve("model-0000.params")));
            assertFalse(Files.exists(exported.resolve("pct-architecture.jar")));
            Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(exported).optBlock(mlp(16)).build();
            try (ZooModel<NDList, NDList> loaded = criteria.loadModel()) {
                float[] served = loaded.newPredictor().predict(new NDList(manager.ones(new Shape(2, FEATURES))))
                        .head().toFloatArray();
                assertEquals(2 * CLASSES, served.length);
            }
        }
    }

    @Test
    void exactlyOneOldModelAndModelsThatDoNotFitTheDataFailBeforeAnythingIsWritten() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PcData data = PcData.of(blobs(manager, 64, 1), null, blobs(manager, 32, 3), CLASSES, manager);
            Path run = tmp.resolve("never");
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> PcTraining.builder().setRunDirectory(run).setData(data)
                            .setNewModel(NewModel.of("mlp", () -> mlp(4))).build());
            assertTrue(none.getMessage().contains("exactly one old model"), none.getMessage());
            // An old model with 5 outputs for a 3-class data set.
            IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
                    () -> PcTraining.builder().setRunDirectory(run).setData(data)
                            .setOldModel(OldModel.of(initialized(Linear.builder().setUnits(5).build(), manager),
                                    "five-class model"))
                            .setNewModel(NewModel.of("mlp", () -> mlp(4)))
                            .build().run());
            assertTrue(classes.getMessage().contains("returns 5 logits per sample, the data set has 3 classes"),
                    classes.getMessage());
            assertFalse(Files.exists(run));
        }
    }

    @Test
    void ldiTopKBeyondTheClassesFailsBeforeAnythingIsWritten() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PcData data = PcData.of(blobs(manager, 64, 1), null, blobs(manager, 32, 3), CLASSES, manager);
            Path run = tmp.resolve("never");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PcTraining.builder().setRunDirectory(run).setData(data)
                            .setOldModel(OldModel.of(initialized(Linear.builder().setUnits(CLASSES).build(), manager),
                                    "three-class model"))
                            .setNewModel(NewModel.of("mlp", () -> mlp(4)))
                            .optLoss(FocalDistillationLoss.builder().optDistance(Distance.LDI).optTopK(CLASSES + 1)
                                    .build())
                            .build().run());
            assertTrue(e.getMessage().contains("loss.top_k") && e.getMessage().contains("4 exceeds the 3 classes"),
                    e.getMessage());
            assertFalse(Files.exists(run));
        }
    }

    @Test
    void anEnsembleReferenceNeedsTheBaselineAndAtLeastOneMember() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PcData data = PcData.of(blobs(manager, 64, 1), null, blobs(manager, 32, 3), CLASSES, manager);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PcTraining.builder().setRunDirectory(tmp.resolve("never")).setData(data)
                            .setOldModel(OldModel.of(initialized(Linear.builder().setUnits(CLASSES).build(), manager),
                                    "three-class model"))
                            .setNewModel(NewModel.of("mlp", () -> mlp(4)))
                            .optReference(Reference.ensemble(3, true))
                            .optBaseline(false)
                            .build());
            assertTrue(e.getMessage().contains("needs the baseline"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Reference.ensemble(0, true));
            assertEquals("logits of the plain retrain, weights from the old model's decisions",
                    Reference.ensemble(1, true).describe());
            assertEquals(Reference.MEMBER_SEED_STRIDE * 2 + 7, Reference.memberSeed(7, 2));
        }
    }

    private static ai.djl.nn.Block initialized(ai.djl.nn.Block block, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, FEATURES));
        return block;
    }


    @Test
    void logitMatchingWithoutClippingIsClippedAndEverythingElseTrainsAsConfigured() {
        TrainingSettings unclipped = TrainingSettings.builder().optGradClipNorm(0).build();
        FocalDistillationLoss lm = FocalDistillationLoss.builder()
                .optDistance(dev.pct.core.loss.Distance.LOGIT_MATCHING).build();
        FocalDistillationLoss kl = FocalDistillationLoss.builder().build();
        assertEquals(5.0, PcSetting.trainingFor(unclipped, lm).gradClipNorm()); // exact: a default constant
        assertEquals(unclipped.withGradClipNorm(5.0), PcSetting.trainingFor(unclipped, lm),
                "only the clipping changes");
        assertEquals(unclipped, PcSetting.trainingFor(unclipped, kl));
        TrainingSettings clipped = unclipped.withGradClipNorm(2.5);
        assertEquals(clipped, PcSetting.trainingFor(clipped, lm), "a configured norm is kept");
    }
}
