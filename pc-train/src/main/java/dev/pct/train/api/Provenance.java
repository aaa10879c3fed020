package dev.pct.train.api;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pct.train.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run or one of its models was made from, written to {@code run-info.json} and to every exported
 * model's metadata. The caller's own facts (the job file's name, the data) come first, then pct's.
 */
final class Provenance {

    private Provenance() {}

    /**
     * The facts of one trained model, in its exported metadata.
     *
     * @param caller the caller's facts ({@link PcTrainingBuilder#optProvenance})
     * @param run the run directory, absolute
     * @param model the model's role or setting name
     * @param seed the seed it trained with
     * @param startedFrom what the network started from
     * @param loss its loss, described
     * @param selection how its epoch was kept, described
     */
    record Stage(Map<String, Object> caller, String run, String model, int seed, String startedFrom, String loss,
            String selection) {

        /** The facts as JSON-ready pairs, the caller's first, then in the order of the components. */
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>(caller);
            m.put("run", run);
            m.put("model", model);
            m.put("seed", seed);
            m.put("started_from", startedFrom);
            m.put("loss", loss);
            m.put("selection", selection);
            return m;
        }
    }

    /**
     * The facts of a run, in {@code run-info.json}.
     *
     * @param caller the caller's facts
     * @param name the run's name
     * @param seeds its seeds
     * @param device the device it trained on
     * @param resumed whether this start resumed a stopped run
     * @param time when it started, ISO-8601
     * @param oldModel the old model, described
     * @param oldModelNotes what loading the old model noted, empty when nothing
     * @param teacherCache the shared teacher cache folder the run read (old_model.cache), or null for its own
     * @param newModel the new model, described
     * @param loss the loss of a run without a sweep, else null
     * @param sweep each sweep setting's loss, described, else null
     * @param selection the selection rule with its margin and patience
     * @param evaluateTest when the test split is scored
     * @param evaluationBatchSize the evaluation's batch size
     * @param pctVersion pct's version, {@code "null"} when run from classes rather than the jar
     * @param djlVersion DJL's version
     * @param engine the engine's name and version
     * @param gpuCount the GPUs the engine sees
     * @param java the Java vendor and version
     * @param os the operating system and architecture
     * @param cpus the processors the JVM sees
     * @param maxHeapMb the JVM's maximum heap, MiB
     */
    record Run(Map<String, Object> caller, String name, List<Integer> seeds, String device, boolean resumed,
            String time, String oldModel, List<String> oldModelNotes, String teacherCache, String newModel,
            String loss,
            Map<String, String> sweep, String selection, String evaluateTest, int evaluationBatchSize,
            String pctVersion, String djlVersion, String engine, int gpuCount, String java, String os, int cpus,
            long maxHeapMb) {

        /**
         * The facts of a run starting now, on this machine: the run's own, with the time, the versions of pct, DJL
         * and the engine, the GPUs, Java, the system, the processors and the heap.
         *
         * @return the facts
         */
        static Run of(Map<String, Object> caller, String name, List<Integer> seeds, String device, boolean resumed,
                String oldModel, List<String> oldModelNotes, String teacherCache, String newModel, String loss,
                Map<String, String> sweep, String selection, String evaluateTest, int evaluationBatchSize) {
            Engine engine = Engine.getInstance();
            return new Run(caller, name, seeds, device, resumed, Instant.now().toString(), oldModel, oldModelNotes,
                    teacherCache, newModel, loss, sweep, selection, evaluateTest, evaluationBatchSize,
                    String.valueOf(PcTraining.class.getPackage().getImplementationVersion()), Engine.getDjlVersion(),
                    engine.getEngineName() + " " + engine.getVersion(), engine.getGpuCount(),
                    System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        }

        /**
         * Writes the facts into a run directory: {@code run-info.json} for a new run, {@code
         * run-info-resume-<millis>.json} for a resumed one (the first start's file is kept).
         *
         * @param runDir the run directory
         * @throws IOException when the file cannot be written
         */
        void write(Path runDir) throws IOException {
            String file = resumed ? "run-info-resume-" + System.currentTimeMillis() + ".json" : "run-info.json";
            AtomicFiles.writeString(runDir.resolve(file),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap()));
        }

        /** The facts as JSON-ready pairs, the caller's first, then in the order of the components. */
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>(caller);
            m.put("name", name);
            m.put("seeds", seeds);
            m.put("device", device);
            m.put("resumed", resumed);
            m.put("time", time);
            m.put("old_model", oldModel);
            if (!oldModelNotes.isEmpty()) {
                m.put("old_model_notes", oldModelNotes);
            }
            if (teacherCache != null) {
                m.put("teacher_cache", teacherCache);
            }
            m.put("new_model", newModel);
            if (loss != null) {
                m.put("loss", loss);
            } else {
                m.put("sweep", sweep);
            }
            m.put("selection", selection);
            m.put("evaluate_test", evaluateTest);
            m.put("evaluation_batch_size", evaluationBatchSize);
            m.put("pct_version", pctVersion);
            m.put("djl_version", djlVersion);
            m.put("engine", engine);
            m.put("gpu_count", gpuCount);
            m.put("java", java);
            m.put("os", os);
            m.put("cpus", cpus);
            m.put("max_heap_mb", maxHeapMb);
            return m;
        }
    }
}
