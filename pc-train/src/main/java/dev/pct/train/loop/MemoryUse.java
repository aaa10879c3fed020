package dev.pct.train.loop;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory at one moment, split into the Java heap and the rest, so that a run's log says
 * whether growth is the heap (Java objects, bounded by {@code -Xmx}) or native memory (libtorch's tensors
 * and caches, the allocator's arenas, thread stacks, the JVM's own metadata).
 *
 * @param heapUsedMegabytes the heap occupied by objects, live or not yet collected, in MiB
 * @param heapCommittedMegabytes the heap the JVM has taken from the system, in MiB
 * @param residentMegabytes the process's resident set, in MiB (-1 where /proc is not available)
 */
public record MemoryUse(long heapUsedMegabytes, long heapCommittedMegabytes, long residentMegabytes) {

    private static final long MIB = 1 << 20;

    /**
     * Measures the memory now.
     *
     * @return the memory use
     */
    public static MemoryUse now() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new MemoryUse(heap.getUsed() / MIB, heap.getCommitted() / MIB, readResidentMegabytes());
    }

    /**
     * The resident memory outside the Java heap: the resident set less the committed heap, a lower bound
     * (committed heap pages need not all be resident).
     *
     * @return MiB outside the heap, or -1 if the resident set is unknown
     */
    public long nativeMegabytes() {
        return residentMegabytes < 0 ? -1 : Math.max(0, residentMegabytes - heapCommittedMegabytes);
    }

    /**
     * Returns the line the epoch log ends with.
     *
     * @return e.g. {@code "heap 210/512 MiB used/committed, 640 MiB native, 1152 MiB resident"}
     */
    public String describe() {
        return heapUsedMegabytes + "/" + heapCommittedMegabytes + " MiB heap used/committed, " + nativeMegabytes()
                + " MiB native, " + residentMegabytes + " MiB resident";
    }

    /** The process's resident set in MiB from /proc (Linux), or -1 where that is not available. */
    static long readResidentMegabytes() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
            return Long.parseLong(statm[1]) * 4096 / MIB;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
