package dev.pct.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryUseTest {

    private static final long MIB = 1 << 20;

    @Test
    void nativeIsTheResidentSetOutsideTheHeap() {
        MemoryUse use = new MemoryUse(100, 500, 400, 1200);
        assertEquals(800, use.nativeMegabytes());
        assertEquals("heap 100/500 MiB used/committed (400 resident), 800 MiB native, 1200 MiB resident",
                use.describe());
        assertEquals(-1, new MemoryUse(100, 500, -1, 1200).nativeMegabytes(), "heap's resident set unknown");
    }

    @Test
    void theHeapIsTheRunOfAdjacentAnonymousMappingsThatSpansTheMaximumHeap(@TempDir Path dir) throws IOException {
        // A 1 GiB heap reserved at 0x600000000 as two adjacent anonymous mappings (committed, then not),
        // a library, and an unrelated anonymous mapping right after the library.
        String smaps = String.join("\n",
                "600000000-610000000 rw-p 00000000 00:00 0 ",
                "Size:             262144 kB",
                "Rss:              200000 kB",
                "610000000-640000000 ---p 00000000 00:00 0 ",
                "Rss:                   0 kB",
                "7f0000000000-7f0000100000 r-xp 00000000 fd:01 123   /usr/lib/libtorch_cpu.so",
                "Rss:                1024 kB",
                "7f0000100000-7f0000200000 rw-p 00000000 00:00 0 ",
                "Rss:                 512 kB",
                "");
        Path file = dir.resolve("smaps");
        Files.writeString(file, smaps);
        assertArrayEquals(new long[] {200000 + 1024 + 512, 200000}, MemoryUse.residentKilobytes(file, 1024 * MIB));
        // With another maximum heap no run matches: the heap's part is unknown, the total still known.
        assertArrayEquals(new long[] {201536, -1}, MemoryUse.residentKilobytes(file, 4096 * MIB));
        assertArrayEquals(new long[] {-1, -1}, MemoryUse.residentKilobytes(dir.resolve("missing"), MIB));
    }

    @Test
    void aHeldArrayCountsInTheHeapAndItsTouchedPagesAreResidentInTheHeap() {
        byte[] held = new byte[96 << 20];
        Arrays.fill(held, (byte) 1); // touch every page
        MemoryUse use = MemoryUse.now();
        assertTrue(use.heapUsedMegabytes() >= 96, use.describe());
        assertTrue(use.heapUsedMegabytes() <= use.heapCommittedMegabytes(), use.describe());
        if (use.residentMegabytes() >= 0) {
            assertTrue(use.heapResidentMegabytes() >= 96, "the heap's range was not found: " + use.describe());
            assertTrue(use.nativeMegabytes() > 0, use.describe());
        }
        assertEquals(1, held[held.length - 1]);
    }
}
