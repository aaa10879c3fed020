package dev.pct.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MemoryUseTest {

    @Test
    void nativeIsTheResidentSetOutsideTheCommittedHeap() {
        assertEquals(700, new MemoryUse(100, 500, 1200).nativeMegabytes());
        assertEquals(0, new MemoryUse(100, 500, 300).nativeMegabytes(), "never negative");
        assertEquals(-1, new MemoryUse(100, 500, -1).nativeMegabytes(), "unknown resident set");
        assertEquals("100/500 MiB heap used/committed, 700 MiB native, 1200 MiB resident",
                new MemoryUse(100, 500, 1200).describe());
    }

    @Test
    void aHeldArrayCountsInTheHeapAndTouchedPagesInTheResidentSet() {
        MemoryUse before = MemoryUse.now();
        byte[] held = new byte[96 << 20];
        Arrays.fill(held, (byte) 1); // touch every page
        MemoryUse after = MemoryUse.now();
        assertTrue(after.heapUsedMegabytes() >= 96, "heap used " + after.heapUsedMegabytes() + " MiB");
        assertTrue(after.heapUsedMegabytes() <= after.heapCommittedMegabytes(), after.describe());
        if (before.residentMegabytes() >= 0) {
            // 96 MiB of touched heap pages are resident (the heap may have been resident in part before)
            assertTrue(after.residentMegabytes() >= 96, after.describe());
        }
        assertEquals(1, held[held.length - 1]);
    }
}
