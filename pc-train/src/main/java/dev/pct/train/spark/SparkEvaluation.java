package dev.pct.train.spark;

import dev.pct.core.metrics.FlipAccumulator;
import dev.pct.core.metrics.FlipReport;
import dev.pct.train.config.JobConfig;
import dev.pct.train.job.Evaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pc-train evaluate --spark MASTER}: two saved models scored on a job's test set against each other in
 * Spark tasks, each a range of test samples that starts on a batch boundary (so it runs the batches one process
 * runs), each counting its flips into a {@link FlipAccumulator} with the samples named by their test-set index;
 * the accumulators merge into the counts, rates and flipped samples of one pass ({@link Evaluation}).
 */
public final class SparkEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(SparkEvaluation.class);
    /** Tasks per task slot: small enough ranges that a slow executor holds up little. */
    private static final int TASKS_PER_SLOT = 4;

    private SparkEvaluation() {}

    /**
     * Scores two models on the job's test set with Spark, as {@link dev.pct.train.job.PcJob#evaluate} does in one
     * process.
     *
     * @param given the job configuration (data, and the architectures of saved parameter files), its data and
     *     the models at the same paths on every executor
     * @param oldPath the old model: a parameter file, an exported model directory, or a logits CSV
     * @param newPath the new model, likewise
     * @param trustCode whether a model directory that holds code may be loaded
     * @param master the Spark master, e.g. {@code local[2]}
     * @return the flip report of new against old
     * @throws Exception when the data or a model cannot be read, or a task failed for good
     */
    public static FlipReport run(JobConfig given, Path oldPath, Path newPath, boolean trustCode, String master)
            throws Exception {
        JobConfig config = SparkJobs.resolved(given);
        int samples = Evaluation.testSize(config);
        int batch = config.training().batchSize();
        SparkJobs.Job job = new SparkJobs.Job(config.toYaml(), SparkJobs.newRun());
        try (JavaSparkContext spark = SparkJobs.context(master, "pc-train evaluate " + config.name())) {
            List<int[]> ranges = ranges(samples, batch, spark.defaultParallelism() * TASKS_PER_SLOT);
            LOG.info("Evaluation on Spark {}: {} test samples in {} tasks", master, samples, ranges.size());
            RangeTask task = new RangeTask(job, oldPath.toAbsolutePath().toString(),
                    newPath.toAbsolutePath().toString(), trustCode);
            return spark.parallelize(ranges, ranges.size()).map(task).reduce(FlipAccumulator::merge).report();
        } finally {
            ExecutorPool.release(job.run());
        }
    }

    /**
     * Splits [0, samples) into at most {@code parts} ranges, each but the last a whole number of batches.
     *
     * @param samples N, at least 1
     * @param batch the evaluation batch
     * @param parts the most ranges wanted
     * @return the ranges, each {@code {from, to}}, in order
     */
    static List<int[]> ranges(int samples, int batch, int parts) {
        int batches = (samples + batch - 1) / batch;
        int perRange = Math.max(1, (batches + parts - 1) / parts) * batch;
        List<int[]> ranges = new ArrayList<>();
        for (int from = 0; from < samples; from += perRange) {
            ranges.add(new int[] {from, Math.min(samples, from + perRange)});
        }
        return ranges;
    }

    /** A Spark task: the flips of one range of test samples, on the executor. */
    private record RangeTask(SparkJobs.Job job, String oldPath, String newPath, boolean trustCode)
            implements Function<int[], FlipAccumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public FlipAccumulator call(int[] range) throws Exception {
            return ExecutorPool.with(job.run(), Evaluation.class,
                    () -> Evaluation.open(job.config(), Path.of(oldPath), Path.of(newPath), trustCode),
                    evaluation -> evaluation.flips(range[0], range[1]));
        }
    }
}
