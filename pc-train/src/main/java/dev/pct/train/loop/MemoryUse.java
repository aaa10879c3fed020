package dev.pct.train.loop;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory at one moment, split into the Java heap and the rest, so that a run's log says
 * whether growth is the heap (Java objects, bounded by {@code -Xmx}) or native memory (libtorch's tensors
 * and caches, the allocator's arenas, thread stacks, the JVM's own metadata and code).
 *
 * @param heapUsedMegabytes the heap occupied by objects, live or not yet collected, in MiB
 * @param heapCommittedMegabytes the heap the JVM has taken from the system, in MiB
 * @param heapResidentMegabytes the part of the heap's address range that is resident, in MiB (-1 if unknown)
 * @param residentMegabytes the process's resident set, in MiB (-1 where /proc is not available)
 */
public record MemoryUse(
        long heapUsedMegabytes, long heapCommittedMegabytes, long heapResidentMegabytes, long residentMegabytes) {

    private static final long MIB = 1 << 20;
    /** How far the heap's reserved range may differ from {@link Runtime#maxMemory()} (alignment, guard pages). */
    private static final long HEAP_SPAN_SLACK = 64 * MIB;

    /**
     * Measures the memory now: the heap from the JVM, the resident sets from {@code /proc/self/smaps}.
     *
     * @return the memory use
     */
    public static MemoryUse now() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long[] resident = residentKilobytes(Path.of("/proc/self/smaps"), Runtime.getRuntime().maxMemory());
        return new MemoryUse(heap.getUsed() / MIB, heap.getCommitted() / MIB,
                resident[1] < 0 ? -1 : resident[1] / 1024, resident[0] < 0 ? -1 : resident[0] / 1024);
    }

    /**
     * The resident memory outside the Java heap.
     *
     * @return MiB, or -1 if unknown
     */
    public long nativeMegabytes() {
        return residentMegabytes < 0 || heapResidentMegabytes < 0 ? -1 : residentMegabytes - heapResidentMegabytes;
    }

    /**
     * Returns the text the epoch log ends with.
     *
     * @return e.g. {@code "heap 210/512 MiB used/committed (300 resident), 640 MiB native, 940 MiB resident"}
     */
    public String describe() {
        return "heap " + heapUsedMegabytes + "/" + heapCommittedMegabytes + " MiB used/committed ("
                + heapResidentMegabytes + " resident), " + nativeMegabytes() + " MiB native, " + residentMegabytes
                + " MiB resident";
    }

    /**
     * Reads the resident set of the whole process and of the Java heap's address range from an smaps file.
     * The heap is the run of adjacent anonymous mappings whose span is the maximum heap size (the JVM
     * reserves it in one piece; committed and uncommitted parts are separate mappings).
     *
     * @param smaps the file ({@code /proc/self/smaps})
     * @param maxHeapBytes {@link Runtime#maxMemory()}
     * @return {total kB, heap kB}; -1 for what is unknown
     */
    static long[] residentKilobytes(Path smaps, long maxHeapBytes) {
        long total = 0;
        long heap = -1;
        long runStart = -1;
        long runEnd = -1;
        long runResident = 0;
        boolean anonymous = false;
        try (BufferedReader in = Files.newBufferedReader(smaps)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                    long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                    long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                    String[] fields = line.trim().split("\\s+");
                    anonymous = fields.length < 6; // no path: an anonymous mapping
                    if (!anonymous || start != runEnd) {
                        heap = heapIfSpanMatches(heap, runStart, runEnd, runResident, maxHeapBytes);
                        runStart = anonymous ? start : -1;
                        runResident = 0;
                    }
                    runEnd = anonymous ? end : -1;
                } else if (line.startsWith("Rss:")) {
                    long kb = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                    total += kb;
                    if (anonymous) {
                        runResident += kb;
                    }
                }
            }
            heap = heapIfSpanMatches(heap, runStart, runEnd, runResident, maxHeapBytes);
            return new long[] {total, heap};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    private static long heapIfSpanMatches(long found, long start, long end, long resident, long maxHeapBytes) {
        if (found < 0 && start >= 0 && Math.abs(end - start - maxHeapBytes) <= HEAP_SPAN_SLACK) {
            return resident;
        }
        return found;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
