package dev.pct.train.api;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.train.data.PcData;
import dev.pct.train.data.SubsetBatches;
import dev.pct.train.interpolation.InterpolationSettings;
import dev.pct.train.interpolation.WeightInterpolation;
import dev.pct.train.io.AtomicFiles;
import dev.pct.train.io.Logits;
import dev.pct.train.loop.Checkpoint;
import dev.pct.train.report.InterpolationCurve;
import dev.pct.train.selection.EpochSelection;
import dev.pct.train.selection.SelectionRule;
import dev.pct.train.selection.SelectionSettings;
import dev.pct.train.update.StageNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weight interpolation of one seed (BCWI): the models {@code (1 - a) theta_old + a theta_new} over the grid, each
 * scored on the validation and test splits against the old model, the a kept by the selection rule on validation,
 * and that model written like a stage's ({@code final.params}, {@code logits-test.bin}, {@code model/}) with the
 * curve in {@code curve.json}. A finished directory is read back, not recomputed.
 */
final class InterpolationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(InterpolationRunner.class);
    static final String CURVE = "curve.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StageRunner runner;
    private final PcData data;
    private final Device device;
    private final InterpolationSettings settings;
    private final int batchSize;

    InterpolationRunner(StageRunner runner, PcData data, Device device, InterpolationSettings settings,
            int batchSize) {
        this.runner = runner;
        this.data = data;
        this.device = device;
        this.settings = settings;
        this.batchSize = batchSize;
    }

    /** What a seed's interpolation gave: the curve with the kept a, and the kept model's test logits. */
    record Result(InterpolationCurve curve, float[] testLogits) {}

    /**
     * How the a of a seed is kept on validation: by the job's rule, where {@code last} (which means nothing over a
     * grid) is {@code lowest_nfr}, whose bound is the plain retrain's best validation error plus the error margin.
     *
     * @param selection the job's selection
     * @param baselineBest the plain retrain's lowest validation error
     * @return the rule and its bound
     */
    static EpochSelection.Spec selection(SelectionSettings selection, double baselineBest) {
        SelectionRule rule = selection.rule() == SelectionRule.LAST ? SelectionRule.LOWEST_NFR : selection.rule();
        return new EpochSelection.Spec(rule, rule == SelectionRule.LOWEST_NFR
                ? baselineBest + selection.errorMargin() : Double.NaN, 0);
    }

    /**
     * Scores the grid and writes the kept model, or reads back a finished directory.
     *
     * @param stage the interpolated model's stage (its name, seed, architecture and provenance)
     * @param dir its directory
     * @param oldFile the old model's parameter file, in the stage's architecture
     * @param newStages the stage directories of the fine-tuned new models whose kept parameters are interpolated
     *     toward (one: the plain retrain; more: averaged first)
     * @param spec the selection rule, its error bound
     * @param oldPredictions the old model's validation and test predictions
     */
    Result run(StageRunner.Stage stage, Path dir, Path oldFile, List<Path> newStages, EpochSelection.Spec spec,
            StageRunner.OldPredictions oldPredictions) throws IOException {
        if (Files.exists(dir.resolve(StageRunner.DONE))) {
            LOG.info("{} seed {}: finished earlier, read from {}", stage.name(), stage.seed(), dir);
            return finished(stage.name(), stage.seed(), dir);
        }
        byte[] oldParameters = Files.readAllBytes(oldFile);
        List<byte[]> newParameters = new ArrayList<>();
        for (Path newStage : newStages) {
            newParameters.add(Files.readAllBytes(newStage.resolve(StageRunner.FINAL_PARAMETERS)));
        }
        Files.createDirectories(dir);
        List<Double> alphas = settings.alphas();
        List<InterpolationCurve.Point> points = new ArrayList<>();
        EpochSelection selection = new EpochSelection(spec);
        boolean soup = newParameters.size() > 1;
        List<int[]> batches = bnBatches(stage.seed());
        try (Model holder = Model.newInstance(stage.name() + "-seed" + stage.seed(), device)) {
            NDManager manager = holder.getNDManager();
            Block old = restore(stage, manager, oldParameters, "the old model's parameters");
            Block newer = restore(stage, manager, newParameters.get(0), "the plain retrain's parameters");
            if (soup) {
                List<Block> members = new ArrayList<>();
                for (int m = 0; m < newParameters.size(); m++) {
                    members.add(m == 0 ? newer : restore(stage, manager, newParameters.get(m), "member " + (m + 1)));
                }
                Block mean = restore(stage, manager, newParameters.get(0), "the plain retrain's parameters");
                WeightInterpolation.average(mean, members);
                newer = mean;
            }
            StageNetwork target = network(stage, manager, newParameters.get(0), "the plain retrain's parameters");
            for (int i = 0; i < alphas.size(); i++) {
                double a = alphas.get(i);
                set(target.block(), old, newer, a, soup, batches, manager);
                double[] validation = figures(target.block(), true, oldPredictions, manager);
                double[] test = figures(target.block(), false, oldPredictions, manager);
                points.add(new InterpolationCurve.Point(a, validation[0], validation[1], test[0], test[1]));
                selection.offer(i + 1, validation[0], validation[1]);
                LOG.info(String.format("%s seed %d a %.3f: validation error %s, validation NFR %s, test error %s,"
                                + " test NFR %s", stage.name(), stage.seed(), a, StageRunner.rate(validation[0]),
                        StageRunner.rate(validation[1]), StageRunner.rate(test[0]), StageRunner.rate(test[1])));
            }
            EpochSelection.Choice choice = selection.choice();
            int kept = choice.epoch() - 1;
            set(target.block(), old, newer, alphas.get(kept), soup, batches, manager);
            Checkpoint.saveParameters(target.block(), dir.resolve(StageRunner.FINAL_PARAMETERS));
            float[] testLogits = runner.logits(target.block(), data.test(), manager);
            Logits.write(dir.resolve(StageRunner.TEST_LOGITS), testLogits, data.classes());
            if (stage.export()) {
                runner.export(target, stage, dir.resolve(StageRunner.MODEL_DIR));
            }
            InterpolationCurve curve = new InterpolationCurve(stage.name(), stage.seed(), points, kept,
                    choice.fallback(), spec.describe(), newParameters.size());
            writeCurve(dir.resolve(CURVE), curve);
            AtomicFiles.writeString(dir.resolve(StageRunner.DONE), Instant.now() + "\n");
            LOG.info(String.format("%s seed %d: kept a = %.3f (%s%s)", stage.name(), stage.seed(), alphas.get(kept),
                    spec.describe(), choice.fallback() ? "; none within the bound: lowest validation error" : ""));
            return new Result(curve, testLogits);
        }
    }

    /** Reads back a finished interpolation. */
    Result finished(String name, int seed, Path dir) throws IOException {
        if (!Files.exists(dir.resolve(StageRunner.DONE))) {
            throw new IOException(dir + ": " + name + " seed " + seed + " has not finished (no '" + StageRunner.DONE
                    + "' file); pc-train train --resume on the run directory finishes the run");
        }
        return new Result(readCurve(dir.resolve(CURVE), name, seed),
                Logits.read(dir.resolve(StageRunner.TEST_LOGITS), data.test().size(), data.classes()));
    }

    /** The target's parameters at a; batch norm re-estimated except where the target is a trained model itself. */
    private void set(Block target, Block old, Block newer, double a, boolean soup, List<int[]> batches,
            NDManager manager) {
        WeightInterpolation.interpolate(target, old, newer, a);
        if (a > 0 && (a < 1 || soup)) {
            WeightInterpolation.reestimateBatchNorm(target, data.train(), batches, manager);
        }
    }

    /** {error, NFR} on the validation or the test split. */
    private double[] figures(Block block, boolean validation, StageRunner.OldPredictions oldPredictions,
            NDManager manager) {
        var split = validation ? data.validation() : data.test();
        int[] predictions = FlipAccumulator.argmax(runner.logits(block, split, manager), data.classes());
        int[] old = validation ? oldPredictions.validationPredictions() : oldPredictions.testPredictions();
        double nfr = old == null ? Double.NaN : runner.flips(split.labels(), old, predictions).negativeFlipRate();
        return new double[] {StageRunner.errorRate(predictions, split.labels()), nfr};
    }

    /** The first {@code bn_batches} training batches of a shuffle by the seed (fewer when the split is smaller). */
    private List<int[]> bnBatches(int seed) {
        int n = data.train().size();
        int[] order = SubsetBatches.shuffled(n, seed);
        int size = Math.min(batchSize, n);
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from + size <= n && batches.size() < settings.bnBatches(); from += size) {
            batches.add(Arrays.copyOfRange(order, from, from + size));
        }
        return batches;
    }

    private Block restore(StageRunner.Stage stage, NDManager manager, byte[] parameters, String what)
            throws IOException {
        return network(stage, manager, parameters, what).block();
    }

    private StageNetwork network(StageRunner.Stage stage, NDManager manager, byte[] parameters, String what)
            throws IOException {
        try {
            return stage.model().restore(manager, data.train().sampleShape(), data.classes(), parameters);
        } catch (MalformedModelException | RuntimeException e) {
            throw new IOException("weight interpolation: " + what + " do not fit the new model's architecture ("
                    + stage.model().description() + "): " + e.getMessage(), e);
        }
    }

    private static void writeCurve(Path file, InterpolationCurve curve) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("kept", curve.kept());
        node.put("fallback", curve.fallback());
        node.put("rule", curve.rule());
        node.put("members", curve.members());
        ArrayNode rows = node.putArray("points");
        for (InterpolationCurve.Point p : curve.points()) {
            rows.addObject().put("a", p.a()).put("validation_error", p.validationError())
                    .put("validation_nfr", p.validationNfr()).put("test_error", p.testError())
                    .put("test_nfr", p.testNfr());
        }
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
    }

    private static InterpolationCurve readCurve(Path file, String name, int seed) throws IOException {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            List<InterpolationCurve.Point> points = new ArrayList<>();
            for (JsonNode p : node.get("points")) {
                points.add(new InterpolationCurve.Point(p.get("a").asDouble(), p.get("validation_error").asDouble(),
                        p.get("validation_nfr").asDouble(), p.get("test_error").asDouble(),
                        p.get("test_nfr").asDouble()));
            }
            return new InterpolationCurve(name, seed, points, node.get("kept").asInt(),
                    node.get("fallback").asBoolean(), node.get("rule").asText(), node.get("members").asInt());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not an interpolation curve (" + e + "); delete the stage's done file to"
                    + " redo it", e);
        }
    }
}
