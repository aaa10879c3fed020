package dev.pct.train.api;

import ai.djl.Device;
import ai.djl.Model;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.loop.Prefetcher;
import dev.pct.train.reference.MeanOldModel;
import dev.pct.train.reference.Reference;
import dev.pct.train.teacher.LogitCache;
import dev.pct.train.teacher.LogitRows;
import dev.pct.train.teacher.TeacherCaches;
import dev.pct.train.update.OldModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference ensembles of a run (ELODI's reference, and the second source of two-source distillation): the
 * ensembles of plain retrains the distilling settings pull toward, by their number of members. Per seed it trains
 * the members beyond the plain retrain (resumable stages {@code seed-N/reference-2/}, ...), reports each ensemble
 * of more than one member as a model of the run, and caches each ensemble's mean logits on the training split.
 */
final class ReferenceEnsembles {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceEnsembles.class);
    /** The report's name of a seed's reference ensemble. */
    static final String ENSEMBLE = "ensemble";
    /** The directory of a seed's ensemble cache, and the prefix of its extra members' stages. */
    static final String REFERENCE = "reference";

    /** What the ensembles take from the run they belong to. */
    interface Stages {
        /** Member {@code j + 1} of a seed's ensemble: a plain retrain with its own seed. */
        StageRunner.Stage member(int seed, int j, StageRunner.Stage baselineStage);

        /** The directory of a seed's stage. */
        Path directory(int seed, String model);

        /** The teacher cache of an ensemble's logits on the training split, computed once into {@code file}. */
        LogitCache trainCache(Path file, OldModel ensemble, Prefetcher prefetcher) throws IOException;
    }

    private final TreeSet<Integer> sizes = new TreeSet<>();
    private final Stages stages;
    private final Device device;
    private final boolean export;

    /**
     * Collects the ensembles the settings distil toward.
     *
     * @param settings the run's PC settings
     * @param stages the run's stages
     * @param device where the members run when their logits are cached
     * @param export whether the members' stages export models (read back as they were written)
     */
    ReferenceEnsembles(Collection<PcSetting> settings, Stages stages, Device device, boolean export) {
        for (PcSetting s : settings) {
            if (s.loss().getLambda() > 0 && s.reference().isEnsemble()) {
                sizes.add(s.reference().members());
            }
            if (s.loss().getLambda() > 0 && s.second() != null) {
                sizes.add(s.second().toward().members());
            }
        }
        this.stages = stages;
        this.device = device;
        this.export = export;
    }

    /** Whether no setting distils toward an ensemble. */
    boolean isEmpty() {
        return sizes.isEmpty();
    }

    /** The report's name of the ensemble of {@code k} members: {@code ensemble}, or {@code ensemble-k} beside others. */
    String label(int k) {
        return sizes.stream().filter(size -> size > 1).count() == 1 ? ENSEMBLE : ENSEMBLE + "-" + k;
    }

    /** The reported ensembles' descriptions, by their names in the report. */
    Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int k : sizes) {
            out.put(label(k), "the reference ensemble: mean logits of " + k + " plain retrains (no epochs of its own)");
        }
        return out;
    }

    /**
     * Trains (or reads back) a seed's members, reports its ensembles and caches their logits on the training split.
     *
     * @param runner the run's stage runner
     * @param seed the seed
     * @param baselineStage the seed's plain retrain, the first member
     * @param baselineOutcome what the plain retrain left
     * @param oldPredictions the old model's predictions the stages are scored against
     * @param record where the ensembles' results go
     * @param prefetcher the run's input pipeline, which computes the caches
     * @param open where the caches go, to be closed with the run
     * @return each ensemble's mean logits on the training split, by its number of members; empty when no setting
     *     distils toward an ensemble
     * @throws IOException when a stage or a cache cannot be written or read
     */
    Map<Integer, LogitRows> train(StageRunner runner, int seed, StageRunner.Stage baselineStage,
            StageRunner.Outcome baselineOutcome, StageRunner.OldPredictions oldPredictions, RunRecord record,
            Prefetcher prefetcher, List<AutoCloseable> open) throws IOException {
        Map<Integer, LogitRows> out = new LinkedHashMap<>();
        if (sizes.isEmpty()) {
            return out;
        }
        List<StageRunner.Stage> members = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<float[]> testLogits = new ArrayList<>();
        members.add(baselineStage);
        dirs.add(stages.directory(seed, baselineStage.name()));
        testLogits.add(baselineOutcome.testLogits());
        for (int j = 1; j < sizes.last(); j++) {
            StageRunner.Stage member = stages.member(seed, j, baselineStage);
            members.add(member);
            dirs.add(stages.directory(seed, member.name()));
            testLogits.add(runner.run(member, dirs.get(j), oldPredictions).testLogits());
        }
        for (int k : sizes) {
            if (k > 1) {
                // One member is the plain retrain itself, already in the report.
                FlipReport report = record.addModel(label(k), seed, meanRows(testLogits.subList(0, k)));
                LOG.info(String.format("Reference ensemble of %d (seed %d): test error %.4f, test NFR %.4f against"
                        + " the old model", k, seed, report.errorRateNew(), report.negativeFlipRate()));
            }
            List<Model> holders = new ArrayList<>();
            try {
                List<OldModel> loaded = new ArrayList<>();
                for (int j = 0; j < k; j++) {
                    StageRunner.Stage member = members.get(j);
                    Model holder = Model.newInstance(member.name() + "-seed" + seed + "-member", device);
                    holders.add(holder);
                    loaded.add(OldModel.of(runner.load(member, dirs.get(j), holder).block(),
                            member.name() + " seed " + member.seed()));
                }
                OldModel ensemble = MeanOldModel.mean(loaded, k == 1 ? "the plain retrain"
                        : "mean logits of " + k + " plain retrains");
                LogitCache cache = stages.trainCache(stages.directory(seed, REFERENCE)
                        .resolve("teacher-train-" + k + ".logits"), ensemble, prefetcher);
                open.add(cache);
                out.put(k, TeacherCaches.rows(cache));
            } finally {
                for (Model holder : holders) {
                    holder.close();
                }
            }
        }
        return out;
    }

    /**
     * Reads a finished seed's members back and reports its ensembles, as {@link #train} did.
     *
     * @param runner the run's stage runner
     * @param seed the seed
     * @param baselineOutcome what the seed's plain retrain left
     * @param record where the ensembles' results go
     * @throws IOException naming the stage directory when a member has not finished
     */
    void readBack(StageRunner runner, int seed, StageRunner.Outcome baselineOutcome, RunRecord record)
            throws IOException {
        if (sizes.isEmpty()) {
            return;
        }
        List<float[]> memberLogits = new ArrayList<>();
        memberLogits.add(baselineOutcome.testLogits());
        for (int j = 1; j < sizes.last(); j++) {
            String name = memberName(j);
            memberLogits.add(runner.finished(name, Reference.memberSeed(seed, j), stages.directory(seed, name),
                    export).testLogits());
        }
        for (int k : sizes) {
            if (k > 1) {
                record.addModel(label(k), seed, meanRows(memberLogits.subList(0, k)));
            }
        }
    }

    /** The stage name of member {@code j + 1} (j &gt;= 1; member 1 is the plain retrain). */
    static String memberName(int j) {
        return REFERENCE + "-" + (j + 1);
    }

    /** The element-wise mean of equally long arrays, in float64 then rounded. */
    static float[] meanRows(List<float[]> arrays) {
        float[] out = new float[arrays.get(0).length];
        for (int i = 0; i < out.length; i++) {
            double sum = 0;
            for (float[] a : arrays) {
                sum += a[i];
            }
            out[i] = (float) (sum / arrays.size());
        }
        return out;
    }
}
