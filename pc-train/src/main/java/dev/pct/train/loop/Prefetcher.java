package dev.pct.train.loop;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Prepares the batches of an epoch on a small pool of worker threads, a fixed number of batches ahead of the
 * training step, and hands them over in order; it measures how long the step waited for them.
 *
 * <p>A plain executor rather than DJL's {@code Dataset} pipeline: DJL's batchifier creates one NDArray per
 * sample and stacks them on the training thread (several native calls per sample), while here a worker makes
 * a whole batch on the host (reading, decoding, augmenting, normalizing into one {@code float[]}) and the
 * training thread only hands it to the engine in one call. Each batch's randomness comes from its own seed, so
 * the batches do not depend on which worker made them or when: a run with 0 workers (everything on the
 * training thread) and one with 8 make the same batches.
 */
public final class Prefetcher implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ExecutorService executor;
    private final int ahead;

    /**
     * Starts the workers.
     *
     * @param workers worker threads, 0 to prepare each batch on the calling thread when it is needed
     * @param ahead how many batches may be prepared ahead of the one in use, &gt;= 1 (ignored without workers)
     */
    public Prefetcher(int workers, int ahead) {
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0, got " + workers);
        }
        if (ahead < 1) {
            throw new IllegalArgumentException("prefetch must be >= 1 batch, got " + ahead);
        }
        this.ahead = ahead;
        if (workers == 0) {
            executor = null;
        } else {
            int pool = POOLS.incrementAndGet();
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "pct-data-" + pool + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            executor = Executors.newFixedThreadPool(workers, factory);
        }
    }

    /**
     * Starts preparing a sequence of batches.
     *
     * @param count how many
     * @param task prepares batch {@code i}; runs on a worker thread, so it must not use the engine
     * @param <T> the prepared batch
     * @return the batches, in order
     */
    public <T> Batches<T> start(int count, IntFunction<T> task) {
        return new Batches<>(count, task);
    }

    /** Stops the workers; batches still being prepared are abandoned. */
    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /**
     * The batches of one pass, handed over in order.
     *
     * @param <T> the prepared batch
     */
    public final class Batches<T> implements AutoCloseable {
        private final int count;
        private final IntFunction<T> task;
        private final ArrayDeque<Future<T>> pending = new ArrayDeque<>();
        private int submitted;
        private int taken;
        private long waitedNanos;

        private Batches(int count, IntFunction<T> task) {
            this.count = count;
            this.task = task;
            fill();
        }

        private void fill() {
            if (executor == null) {
                return;
            }
            while (submitted < count && pending.size() < ahead + 1) {
                int i = submitted++;
                pending.add(executor.submit(() -> task.apply(i)));
            }
        }

        /**
         * Returns the next batch, waiting for it if it is not ready.
         *
         * @return the batch
         * @throws RuntimeException the exception that preparing it threw (e.g. a data format error naming
         *     the file)
         */
        public T next() {
            if (taken >= count) {
                throw new NoSuchElementException("all " + count + " batches were taken");
            }
            long start = System.nanoTime();
            try {
                if (executor == null) {
                    return task.apply(taken);
                }
                Future<T> head = pending.poll();
                T batch;
                try {
                    batch = head.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for batch " + taken, e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("preparing batch " + taken + " failed", e.getCause());
                } catch (CancellationException e) {
                    throw new IllegalStateException("batch " + taken + " was cancelled", e);
                }
                fill();
                return batch;
            } finally {
                taken++;
                waitedNanos += System.nanoTime() - start;
            }
        }

        /**
         * Returns how long {@link #next} waited in all, preparation on the calling thread included when
         * there are no workers.
         *
         * @return nanoseconds
         */
        public long waitedNanos() {
            return waitedNanos;
        }

        /** Abandons the batches not taken. */
        @Override
        public void close() {
            for (Future<T> f : pending) {
                f.cancel(true);
            }
            pending.clear();
        }
    }
}
