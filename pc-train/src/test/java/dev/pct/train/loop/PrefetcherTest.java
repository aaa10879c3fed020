package dev.pct.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pct.train.data.DataFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

    @Test
    void batchesComeInOrderWhateverWorkerFinishesFirst() {
        Random jitter = new Random(3);
        long[] sleeps = new long[40];
        for (int i = 0; i < sleeps.length; i++) {
            sleeps[i] = jitter.nextInt(4);
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Prefetcher workers = new Prefetcher(3, 4);
                Prefetcher.Batches<Integer> batches = workers.start(sleeps.length, i -> {
                    threads.add(Thread.currentThread().getName());
                    try {
                        Thread.sleep(sleeps[i]);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return i * i;
                })) {
            for (int i = 0; i < sleeps.length; i++) {
                assertEquals(i * i, batches.next());
            }
            assertThrows(java.util.NoSuchElementException.class, batches::next);
        }
        assertTrue(threads.stream().allMatch(t -> t.startsWith("pct-data-")), threads.toString());
    }

    @Test
    void withoutWorkersEachBatchIsMadeOnTheCallingThreadWhenTaken() {
        List<String> made = new ArrayList<>();
        try (Prefetcher inline = new Prefetcher(0, 1);
                Prefetcher.Batches<Integer> batches = inline.start(3, i -> {
                    made.add(Thread.currentThread().getName() + ":" + i);
                    return i;
                })) {
            assertTrue(made.isEmpty(), "nothing is made ahead");
            assertEquals(0, batches.next());
            assertEquals(List.of(Thread.currentThread().getName() + ":0"), made);
        }
    }

    @Test
    void noMoreThanTheConfiguredBatchesArePreparedAhead() throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        try (Prefetcher workers = new Prefetcher(4, 2);
                Prefetcher.Batches<Integer> batches = workers.start(100, i -> {
                    started.incrementAndGet();
                    return i;
                })) {
            // The one to be taken next and 2 ahead of it, and no more however long one waits.
            awaitCount(started, 3);
            Thread.sleep(100);
            assertEquals(3, started.get());
            batches.next();
            awaitCount(started, 4);
            Thread.sleep(100);
            assertEquals(4, started.get());
        }
    }

    private static void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (count.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void aWorkersDataErrorReachesTheTrainingThreadUnchanged() {
        DataFormatException bad = new DataFormatException("/data/train/cat/7.png: unreadable image");
        try (Prefetcher workers = new Prefetcher(2, 2);
                Prefetcher.Batches<Integer> batches = workers.start(5, i -> {
                    if (i == 2) {
                        throw bad;
                    }
                    return i;
                })) {
            assertEquals(0, batches.next());
            assertEquals(1, batches.next());
            DataFormatException thrown = assertThrows(DataFormatException.class, batches::next);
            assertSame(bad, thrown);
        }
    }

    @Test
    void waitingTimeEnclosesInlinePreparationAndNeverExceedsTheLoop() {
        long[] taskNanos = new long[1];
        long waited;
        try (Prefetcher inline = new Prefetcher(0, 1);
                Prefetcher.Batches<Integer> batches = inline.start(3, i -> {
                    long t0 = System.nanoTime();
                    double x = 0;
                    for (int k = 0; k < 200_000; k++) {
                        x += Math.sqrt(k);
                    }
                    taskNanos[0] += System.nanoTime() - t0;
                    return (int) x;
                })) {
            for (int i = 0; i < 3; i++) {
                batches.next();
            }
            waited = batches.waitedNanos();
        }
        // Without workers the step waits for the whole preparation: its window encloses every task.
        assertTrue(waited >= taskNanos[0], waited + " < " + taskNanos[0]);
        long loopStart = System.nanoTime();
        try (Prefetcher workers = new Prefetcher(2, 2);
                Prefetcher.Batches<Integer> batches = workers.start(5, i -> i)) {
            for (int i = 0; i < 5; i++) {
                batches.next();
            }
            assertTrue(batches.waitedNanos() <= System.nanoTime() - loopStart);
        }
    }
}
