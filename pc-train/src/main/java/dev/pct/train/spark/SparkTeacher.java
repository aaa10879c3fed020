package dev.pct.train.spark;

import dev.pct.train.config.JobConfig;
import dev.pct.train.job.PcJob;
import dev.pct.train.teacher.LogitCache;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pc-train teacher --spark MASTER}: a job's teacher cache computed by Spark tasks. The driver plans the
 * chunks each split's file lacks (all of them for a new file, the unwritten ones when resuming), and hands them
 * out a window at a time, one task per chunk, the next window computing while it writes the last; each task
 * computes its chunk's logits on its executor exactly as one process computes that chunk (the same model, the
 * same batches from the chunk's first row: {@link dev.pct.train.api.PcTraining#oldModelLogits}); the driver
 * writes every chunk with its checksum through the cache's one writer, under its lock. The files are thus the
 * single-process files byte for byte, and a task that fails is retried by Spark ({@code spark.task.maxFailures},
 * 4 on a cluster; {@code local[N,F]} gives local mode F tries) or stops the command, whose rerun computes only
 * the chunks not written.
 */
public final class SparkTeacher {

    private static final Logger LOG = LoggerFactory.getLogger(SparkTeacher.class);
    /** Tasks to fail on purpose, for the tests of Spark's retry (local mode: the tasks run in this JVM). */
    static final AtomicInteger FAILURES_TO_INJECT = new AtomicInteger();
    /** The first row of the first chunk a task may fail on purpose at. */
    static final AtomicInteger FAIL_FROM_ROW = new AtomicInteger();
    /** Chunk tasks run in this JVM: what the tests count. */
    static final AtomicInteger TASKS_RUN = new AtomicInteger();

    private SparkTeacher() {}

    /**
     * Computes a job's teacher cache into a folder with Spark, as {@link PcJob#teacher(JobConfig, Path)} does
     * in one process.
     *
     * @param given a job's effective configuration; its old model must be a file or a checkpoint, its data and
     *     model at the same paths on every executor
     * @param out the folder, on the driver (created when missing)
     * @param master the Spark master, e.g. {@code local[2]} or {@code spark://host:7077}
     * @return the files written
     * @throws IOException when files cannot be read or written, a cache is locked, or a task failed for good
     */
    public static List<Path> run(JobConfig given, Path out, String master) throws IOException {
        JobConfig config = SparkJobs.resolved(given);
        SparkJobs.Job job = new SparkJobs.Job(config.toYaml(), SparkJobs.newRun());
        Path folder = out.toAbsolutePath().normalize();
        try (JavaSparkContext spark = SparkJobs.context(master, "pc-train teacher " + config.name())) {
            int window = Math.max(1, spark.defaultParallelism());
            LOG.info("Teacher cache on Spark {}: {} tasks at a time, one chunk each", master, window);
            return PcJob.teacher(config, folder, (split, identity, chunkRows) ->
                    new ChunkProducer(spark, new ChunkTask(job, folder.toString(), split), window));
        } finally {
            ExecutorPool.release(job.run());
        }
    }

    /** A Spark task: the old model's logits of one chunk of a split, on the executor. */
    private record ChunkTask(SparkJobs.Job job, String folder, String split) implements Function<int[], float[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public float[] call(int[] range) throws Exception {
            return ExecutorPool.with(job.run(), PcJob.Session.class,
                    () -> PcJob.open(job.config(), Path.of(folder)), session -> {
                        TASKS_RUN.incrementAndGet();
                        if (range[0] >= FAIL_FROM_ROW.get()
                                && FAILURES_TO_INJECT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new IOException("a task failure injected by a test, rows [" + range[0] + ", "
                                    + range[1] + ") of " + split);
                        }
                        return session.training().oldModelLogits(split, range[0], range[1]);
                    });
        }
    }

    /**
     * A split's rows from Spark: the chunks the file lacks, a window of them per Spark job, the next window
     * submitted as soon as the last one arrives.
     */
    private static final class ChunkProducer implements LogitCache.Producer {
        private final JavaSparkContext spark;
        private final ChunkTask task;
        private final int window;
        private final Map<Integer, float[]> ready = new HashMap<>();
        private List<int[]> planned = List.of();
        private JavaFutureAction<List<float[]>> pending;
        private int pendingStart;
        private int pendingEnd;

        ChunkProducer(JavaSparkContext spark, ChunkTask task, int window) {
            this.spark = spark;
            this.task = task;
            this.window = window;
        }

        @Override
        public void plan(List<int[]> ranges) {
            planned = List.copyOf(ranges);
            submit(0);
        }

        @Override
        public float[] rows(int from, int to) throws IOException {
            float[] rows = ready.remove(from);
            while (rows == null) {
                if (pending == null) {
                    // Not planned (a producer used without plan): this range alone.
                    planned = List.of(new int[] {from, to});
                    submit(0);
                }
                List<float[]> got = await();
                for (int i = 0; i < got.size(); i++) {
                    ready.put(planned.get(pendingStart + i)[0], got.get(i));
                }
                int next = pendingEnd;
                pending = null;
                submit(next);
                rows = ready.remove(from);
            }
            return rows;
        }

        private void submit(int start) {
            if (start >= planned.size()) {
                return;
            }
            pendingStart = start;
            pendingEnd = Math.min(planned.size(), start + window);
            List<int[]> ranges = planned.subList(pendingStart, pendingEnd);
            pending = spark.parallelize(ranges, ranges.size()).map(task).collectAsync();
        }

        private List<float[]> await() throws IOException {
            try {
                return pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while Spark computed " + task.split() + " logits");
            } catch (ExecutionException e) {
                throw new IOException("Spark could not compute the old model's " + task.split() + " logits of rows ["
                        + planned.get(pendingStart)[0] + ", " + planned.get(pendingEnd - 1)[1] + "): "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
