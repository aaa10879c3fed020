package dev.pct.train.api;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.data.BatchSource;
import dev.pct.train.data.ModelInput;
import dev.pct.train.data.PcData;
import dev.pct.train.data.ResizeMode;
import dev.pct.train.export.ModelExport;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.io.Logits;
import dev.pct.train.loop.Checkpoint;
import dev.pct.train.loop.Inference;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.loop.StageLoss;
import dev.pct.train.loop.StageTrainer;
import dev.pct.train.loop.TrainingSettings;
import dev.pct.train.report.EpochRecord;
import dev.pct.train.report.StageHistory;
import dev.pct.train.selection.EpochSelection;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.TestEvaluation;
import dev.pct.train.teacher.TeacherSource;
import dev.pct.train.update.NewModel;
import dev.pct.train.update.StageNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stage of an update (the old model, a plain retrain, a PC model) in its own directory: trains it,
 * evaluates it on the validation set (and the test set, unless that is scored for the kept epoch only) after every
 * epoch, logging the time that takes as a share of the epoch's training time, and when it is done writes its final
 * parameters, its test logits, its history and (for new models) its exported model, then a {@code done}
 * marker. A stage with the marker is read back instead of trained; one without resumes from its newest
 * checkpoint.
 */
final class StageRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);
    static final String DONE = "done";
    static final String FINAL_PARAMETERS = "final.params";
    static final String TEST_LOGITS = "logits-test.bin";
    static final String MODEL_DIR = "model";
    static final String SELECTED_PARAMETERS = "selected.params";
    static final String SELECTION = "selection.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Device device;
    private final PcData data;
    private final int evalBatchSize;
    private final Prefetcher workers;
    private final boolean architectureJar;
    private final TestEvaluation testEvaluation;
    private final int profileEpoch;

    StageRunner(Device device, PcData data, int evalBatchSize, Prefetcher workers, boolean architectureJar,
            TestEvaluation testEvaluation, int profileEpoch) {
        this.architectureJar = architectureJar;
        this.profileEpoch = profileEpoch;
        this.testEvaluation = testEvaluation;
        this.device = device;
        this.data = data;
        this.evalBatchSize = evalBatchSize;
        this.workers = workers;
    }

    /**
     * One stage.
     *
     * @param name the model role ({@code old}, {@code baseline}, {@code pc})
     * @param seed its seed
     * @param model what the network starts from
     * @param training how it trains
     * @param loss its loss
     * @param teacher what gives the loss its labels
     * @param export whether to export the trained network as a model directory
     * @param provenance facts for the exported model's metadata
     * @param selection which epoch is kept, and early stopping
     */
    record Stage(String name, int seed, NewModel model, TrainingSettings training, StageLoss loss, TeacherSource teacher,
            boolean export, Map<String, Object> provenance, EpochSelection.Spec selection, BatchSource trainOn) {
        /** A stage that trains on the whole training split. */
        Stage(String name, int seed, NewModel model, TrainingSettings training, StageLoss loss, TeacherSource teacher,
                boolean export, Map<String, Object> provenance, EpochSelection.Spec selection) {
            this(name, seed, model, training, loss, teacher, export, provenance, selection, null);
        }
    }

    /**
     * What a finished stage left.
     *
     * @param testLogits its logits on the test set, row-major
     * @param history its per-epoch records
     * @param exported the exported model directory, or null
     * @param selected the epoch kept (its parameters are the stage's final ones), with how it was chosen
     */
    record Outcome(float[] testLogits, List<EpochRecord> history, Path exported, Selected selected) {
        /** The record of the kept epoch. */
        EpochRecord selectedRecord() {
            return history.stream().filter(r -> r.epoch() == selected.epoch()).findFirst().orElseThrow();
        }
    }

    /**
     * The epoch a stage kept.
     *
     * @param rule how it was chosen
     * @param epoch the epoch
     * @param epochsTrained how many epochs the stage trained (fewer than configured after an early stop)
     * @param fallback true when no epoch met the error bound, so the lowest-error epoch was kept
     */
    record Selected(String rule, int epoch, int epochsTrained, boolean fallback) {}

    /** The old model's predictions the epochs are compared with, or nulls when there is no old model (yet). */
    record OldPredictions(int[] validationPredictions, int[] testPredictions) {
        static final OldPredictions NONE = new OldPredictions(null, null);
    }

    Outcome run(Stage stage, Path dir, OldPredictions oldPredictions) throws IOException {
        Path testCache = dir.resolve(TEST_LOGITS);
        Path exported = stage.export() ? dir.resolve(MODEL_DIR) : null;
        if (Files.exists(dir.resolve(DONE))) {
            LOG.info("{} seed {}: finished earlier, results read from {}", stage.name(), stage.seed(), dir);
            return finished(stage.name(), stage.seed(), dir, stage.export());
        }
        Path historyFile = dir.resolve(StageHistory.FILE);
        TreeMap<Integer, EpochRecord> records = new TreeMap<>();
        EpochSelection selection = new EpochSelection(stage.selection());
        for (EpochRecord r : StageHistory.read(historyFile)) {
            records.put(r.epoch(), r);
            selection.offer(r.epoch(), r.validationError(), r.validationNegativeFlipRate());
        }
        try (Model model = Model.newInstance(stage.name() + "-seed" + stage.seed(), device)) {
            StageTrainer trainer = new StageTrainer(stage.name() + " seed " + stage.seed(), stage.seed(),
                    stage.training(), stage.loss(), stage.teacher(), device, new Checkpoint(dir.resolve("checkpoints")),
                    workers).optProfile(profileEpoch, dir);
            BatchSource train = stage.trainOn() != null ? stage.trainOn() : data.train();
            StageTrainer.Trained trained = trainer.train(model, stage.model(), train, (row, block) -> {
                long evaluationStart = System.nanoTime();
                int[] validation = data.validation().size() == 0 ? null : predictions(block, data.validation(), model);
                double validationError = validation == null ? Double.NaN
                        : errorRate(validation, data.validation().labels());
                // Validation NFR: what settings are chosen on, so the test set is only ever reported.
                double validationNfr = validation == null || oldPredictions.validationPredictions() == null
                        ? Double.NaN
                        : flips(data.validation().labels(), oldPredictions.validationPredictions(), validation)
                                .negativeFlipRate();
                double[] test = testEvaluation == TestEvaluation.EVERY_EPOCH
                        ? testFigures(predictions(block, data.test(), model), oldPredictions)
                        : new double[] {Double.NaN, Double.NaN};
                double evaluationSeconds = (System.nanoTime() - evaluationStart) / 1e9;
                // Like the data wait, a share of the epoch's training time: what evaluating costs per epoch trained.
                double evaluationShare = row.seconds() > 0 ? evaluationSeconds / row.seconds() : Double.NaN;
                records.put(row.epoch(), new EpochRecord(stage.name(), stage.seed(), row.epoch(), row.trainLoss(),
                        row.crossEntropy(), row.distillation(), row.trainError(), validationError, validationNfr,
                        test[0], test[1], row.samplesPerSecond(), row.seconds(),
                        row.seconds() > 0 ? row.dataWaitSeconds() / row.seconds() : Double.NaN, evaluationShare));
                LOG.info(String.format("%s seed %d epoch %d: validation error %s, validation NFR %s, %s; evaluation"
                                + " %.1f s (%.1f%% of the epoch's training time)", stage.name(), stage.seed(),
                        row.epoch(), rate(validationError), rate(validationNfr),
                        testEvaluation == TestEvaluation.EVERY_EPOCH
                                ? "test error " + rate(test[0]) + ", test NFR " + rate(test[1])
                                : "test scored for the kept epoch only", evaluationSeconds, 100 * evaluationShare));
                selection.offer(row.epoch(), validationError, validationNfr);
                try {
                    // Parameters first: a crash between the two repeats this epoch (same figures, same choice).
                    if (stage.selection().rule() != SelectionRule.LAST
                            && selection.choice().epoch() == row.epoch()) {
                        Checkpoint.saveParameters(block, dir.resolve(SELECTED_PARAMETERS));
                    }
                    StageHistory.write(historyFile, new ArrayList<>(records.values()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, selection::stop);
            int lastEpoch = trained.rows().isEmpty() ? 0 : trained.rows().get(trained.rows().size() - 1).epoch();
            EpochSelection.Choice choice = selection.choice();
            Selected selected = new Selected(stage.selection().describe(), choice.epoch(), lastEpoch, choice.fallback());
            if (choice.fallback()) {
                LOG.warn("{} seed {}: no epoch reached a validation error within the bound of {}; kept the epoch of"
                        + " lowest validation error ({})", stage.name(), stage.seed(), stage.selection().describe(),
                        choice.epoch());
            }
            try (Model chosenModel = Model.newInstance(stage.name() + "-seed" + stage.seed() + "-selected", device)) {
                StageNetwork network = trained.network();
                if (choice.epoch() != lastEpoch) {
                    network = restore(stage, dir.resolve(SELECTED_PARAMETERS), chosenModel);
                    LOG.info("{} seed {}: keeping epoch {} of {} ({})", stage.name(), stage.seed(), choice.epoch(),
                            lastEpoch, choice.fallback() ? "lowest validation error: none within the bound"
                                    : stage.selection().describe());
                }
                Block block = network.block();
                Checkpoint.saveParameters(block, dir.resolve(FINAL_PARAMETERS));
                float[] testLogits = Inference.logits(Inference.of(block), data.test(), evalBatchSize,
                        chosenModel.getNDManager(), workers);
                Logits.write(testCache, testLogits, data.classes());
                if (testEvaluation == TestEvaluation.SELECTED && records.containsKey(choice.epoch())) {
                    // Scored once: the kept epoch's test figures, from the logits the stage keeps.
                    double[] test = testFigures(FlipAccumulator.argmax(testLogits, data.classes()), oldPredictions);
                    records.put(choice.epoch(), records.get(choice.epoch()).withTest(test[0], test[1]));
                    StageHistory.write(historyFile, new ArrayList<>(records.values()));
                    LOG.info(String.format("%s seed %d epoch %d (kept): test error %s, test NFR %s", stage.name(),
                            stage.seed(), choice.epoch(), rate(test[0]), rate(test[1])));
                }
                if (exported != null) {
                    export(network, stage, exported);
                }
                writeSelected(dir.resolve(SELECTION), selected);
                AtomicFiles.writeString(dir.resolve(DONE), Instant.now() + "\n");
                return new Outcome(testLogits, new ArrayList<>(records.values()), exported, selected);
            }
        }
    }

    /**
     * Reads back what a finished stage left, training nothing.
     *
     * @param name the model role
     * @param seed its seed
     * @param dir its directory
     * @param export whether the stage exported its model
     * @return its test logits, history and kept epoch
     * @throws IOException naming the directory when the stage has not finished, or a file cannot be read
     */
    Outcome finished(String name, int seed, Path dir, boolean export) throws IOException {
        if (!Files.exists(dir.resolve(DONE))) {
            throw new IOException(dir + ": " + name + " seed " + seed + " has not finished (no '" + DONE + "' file);"
                    + " pc-train train --resume on the run directory finishes the run");
        }
        List<EpochRecord> history = StageHistory.read(dir.resolve(StageHistory.FILE));
        return new Outcome(Logits.read(dir.resolve(TEST_LOGITS), data.test().size(), data.classes()), history,
                export ? dir.resolve(MODEL_DIR) : null, readSelected(dir.resolve(SELECTION), history));
    }

    private static void writeSelected(Path file, Selected selected) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("rule", selected.rule());
        node.put("epoch", selected.epoch());
        node.put("epochs_trained", selected.epochsTrained());
        node.put("fallback", selected.fallback());
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
    }

    /** The kept epoch of a finished stage; a stage finished before selection existed kept its last epoch. */
    private static Selected readSelected(Path file, List<EpochRecord> history) throws IOException {
        int last = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
        if (!Files.exists(file)) {
            return new Selected(EpochSelection.Spec.LAST.describe(), last, last, false);
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return new Selected(node.get("rule").asText(), node.get("epoch").asInt(),
                    node.get("epochs_trained").asInt(), node.get("fallback").asBoolean());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a selection record (" + e + "); delete the stage's done file to"
                    + " redo its last step", e);
        }
    }

    /**
     * Rebuilds a finished stage's network from its final parameters.
     *
     * @param stage the stage
     * @param dir its directory
     * @param model the model that will own the network (the caller closes it)
     * @return the network
     * @throws IOException if the parameters cannot be read
     */
    StageNetwork load(Stage stage, Path dir, Model model) throws IOException {
        return restore(stage, dir.resolve(FINAL_PARAMETERS), model);
    }

    private StageNetwork restore(Stage stage, Path parameters, Model model) throws IOException {
        try {
            StageNetwork network = stage.model().restore(model.getNDManager(), data.train().sampleShape(),
                    data.classes(), Files.readAllBytes(parameters));
            model.setBlock(network.block());
            return network;
        } catch (MalformedModelException e) {
            throw new IOException(parameters + ": " + e.getMessage(), e);
        }
    }

    /** Writes a stage's network as the model a Java service loads with plain DJL. */
    void export(StageNetwork network, Stage stage, Path exported) throws IOException {
        try {
            ModelExport.write(exported, network.exportNet(), description(network, stage), architectureJar);
        } catch (IOException e) {
            throw AtomicFiles.naming(exported, e);
        }
        LOG.info("{} seed {}: model exported to {}", stage.name(), stage.seed(), exported);
    }

    private ModelExport.Description description(StageNetwork network, Stage stage) {
        ModelInput input = data.newInput();
        return new ModelExport.Description(network.exportArguments(), data.train().sampleShape(),
                input == null || input.resize() != ResizeMode.CENTER_CROP ? null : input.cropFraction(),
                data.classes(),
                input == null ? null : input.normalizer().mean(), input == null ? null : input.normalizer().std(),
                data.classNames(), stage.provenance());
    }

    private int[] predictions(Block block, BatchSource set, Model model) {
        return FlipAccumulator.argmax(logits(block, set, model.getNDManager()), data.classes());
    }

    /** A block's logits on a split, in evaluation batches. */
    float[] logits(Block block, BatchSource set, NDManager manager) {
        return Inference.logits(Inference.of(block), set, evalBatchSize, manager, workers);
    }

    /** {test error, test NFR (NaN without the old model's predictions)} of a stage's test predictions. */
    double[] testFigures(int[] test, OldPredictions oldPredictions) {
        double nfr = oldPredictions.testPredictions() == null ? Double.NaN
                : flips(data.test().labels(), oldPredictions.testPredictions(), test).negativeFlipRate();
        return new double[] {errorRate(test, data.test().labels()), nfr};
    }

    FlipReport flips(int[] labels, int[] oldPredictions, int[] newPredictions) {
        FlipAccumulator flips = new FlipAccumulator(data.classes());
        flips.add(labels, oldPredictions, newPredictions);
        return flips.report();
    }

    static double errorRate(int[] predictions, int[] labels) {
        long wrong = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] != labels[i]) {
                wrong++;
            }
        }
        return labels.length == 0 ? 0 : (double) wrong / labels.length;
    }

    static String rate(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.4f", value);
    }

}
