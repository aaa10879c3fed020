package dev.pct.train.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Spark executor keeps between the tasks of one command: the job's data and models, loaded by the
 * executor's first task and lent to one task at a time (a model is run by one thread at a time), so that an
 * executor running T tasks at once loads them at most T times however many tasks it runs. Keyed by the
 * command's run: a new command loads anew. On a cluster an executor's pool ends with its application; in local
 * mode (one JVM) the driver empties its run's pool when the command ends.
 */
final class ExecutorPool {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorPool.class);
    private static final Map<String, Queue<AutoCloseable>> IDLE = new ConcurrentHashMap<>();

    private ExecutorPool() {}

    /** Loads what a task needs, once per task slot of an executor. */
    @FunctionalInterface
    interface Loader<T extends AutoCloseable> {
        T load() throws IOException;
    }

    /** A task's work with what it borrowed. */
    @FunctionalInterface
    interface Work<T, R> {
        R apply(T held) throws IOException;
    }

    /**
     * Runs a task's work with one of its run's loaded objects, loading one when none is idle, and lends it back
     * afterwards (or closes it, when the work failed: it may be half-way through something).
     */
    static <T extends AutoCloseable, R> R with(String run, Class<T> type, Loader<T> loader, Work<T, R> work)
            throws Exception {
        Queue<AutoCloseable> idle = IDLE.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>());
        AutoCloseable found = idle.poll();
        T held;
        if (found == null) {
            long start = System.nanoTime();
            held = loader.load();
            LOG.info(String.format("Run %s: loaded the job's data and models for a task slot in %.1f s", run,
                    (System.nanoTime() - start) / 1e9));
        } else {
            held = type.cast(found);
        }
        R result;
        try {
            result = work.apply(held);
        } catch (Exception | Error e) {
            try {
                held.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        idle.add(held);
        return result;
    }

    /**
     * Closes and forgets what a run's tasks loaded in this JVM: the driver's call when its command ends, which
     * in local mode is where the executors ran.
     *
     * @param run the run
     * @return how many were closed
     */
    static int release(String run) {
        Queue<AutoCloseable> idle = IDLE.remove(run);
        if (idle == null) {
            return 0;
        }
        List<Exception> failures = new ArrayList<>();
        int closed = 0;
        for (AutoCloseable held; (held = idle.poll()) != null; closed++) {
            try {
                held.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        for (Exception e : failures) {
            LOG.warn("Run {}: closing a task slot's models failed: {}", run, e.toString());
        }
        return closed;
    }
}
