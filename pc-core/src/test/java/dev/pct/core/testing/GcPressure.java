package dev.pct.core.testing;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a long training run does to native memory between a loss's forward and its backward: a full
 * garbage collection (which frees every unreachable direct buffer) followed by fresh direct buffers
 * filled with a pattern, so that memory freed under autograd's feet is both unmapped from its Java
 * owner and overwritten.
 *
 * <p>On CPU, DJL's PyTorch engine wraps a Java direct buffer without copying when it makes an array
 * from host data ({@code torch::from_blob}); a tensor that outlives its Java array (a scalar that
 * autograd saved, a view of a closed input) then reads whatever the allocator put there. glibc
 * already overwrites the first bytes of a freed chunk with its free-list pointers; the burst makes the
 * damage independent of which thread's cache the chunk went to.
 */
public final class GcPressure {

    /** The fill pattern: as float32 every word reads 3.39e38. */
    private static final byte FILL = 0x7F;

    private GcPressure() {}

    /**
     * Collects garbage until the collector's reference processing has run, then allocates and fills
     * direct buffers of small and medium sizes.
     *
     * @return the buffers: keep them reachable until the code under test has finished reading
     */
    public static List<ByteBuffer> apply() {
        collect();
        List<ByteBuffer> burst = new ArrayList<>();
        for (int size : new int[] {4, 8, 16, 24, 32, 48, 64, 128, 256, 1024, 4096}) {
            for (int k = 0; k < 64; k++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(size);
                while (buffer.hasRemaining()) {
                    buffer.put(FILL);
                }
                burst.add(buffer);
            }
        }
        return burst;
    }

    /** A full collection, and the wait until the reference handler has processed what it found. */
    private static void collect() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
        try {
            for (int i = 0; i < 100; i++) {
                System.gc();
                if (queue.remove(10) != null) {
                    break;
                }
            }
            // Direct buffers' cleaners run on the same reference handler thread: give it a moment.
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
    }
}
