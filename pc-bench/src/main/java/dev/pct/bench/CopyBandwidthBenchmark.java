package dev.pct.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory copy bandwidth of the machine, measured in the same run as the loss benchmarks so that
 * {@link ResultTable} can set the bytes a loss moves per second next to what the memory can move:
 * {@link System#arraycopy} of a 64 MiB float array on the heap, and {@link NDArray#duplicate()} of a
 * 48 MiB array in the engine (on the benchmark's device). A copy reads and writes each byte once, so
 * its bandwidth is 2 × size / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class CopyBandwidthBenchmark {

    /** Bytes copied by {@link #arraycopy}. */
    public static final long ARRAYCOPY_BYTES = 64L << 20;

    /** Bytes copied by {@link #ndarrayDuplicate}. */
    public static final long DUPLICATE_BYTES = 48L << 20;

    /** Two heap arrays of 64 MiB. */
    @State(Scope.Thread)
    public static class HeapArrays {
        float[] source;
        float[] target;

        @Setup(Level.Trial)
        public void setUp() {
            source = new float[(int) (ARRAYCOPY_BYTES / Float.BYTES)];
            target = new float[source.length];
            for (int i = 0; i < source.length; i++) {
                source[i] = i;
            }
        }
    }

    /** One 48 MiB engine array on the chosen device. */
    @State(Scope.Thread)
    public static class EngineArray {

        /** Where the array lives: {@code cpu} or {@code gpu}. */
        @Param({"cpu", "gpu"})
        public String device;

        NDManager manager;
        NDArray source;
        boolean skipped;

        @Setup(Level.Trial)
        public void setUp() {
            Device dev = BenchDevices.resolve(device);
            skipped = dev == null;
            if (skipped) {
                return;
            }
            manager = NDManager.newBaseManager(dev);
            source = manager.randomUniform(0f, 1f,
                    new Shape(DUPLICATE_BYTES / Float.BYTES), DataType.FLOAT32);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (manager != null) {
                manager.close();
            }
        }
    }

    /**
     * Copies 64 MiB on the Java heap.
     *
     * @param arrays the arrays
     * @return the last element copied
     */
    @Benchmark
    public float arraycopy(HeapArrays arrays) {
        System.arraycopy(arrays.source, 0, arrays.target, 0, arrays.source.length);
        return arrays.target[arrays.target.length - 1];
    }

    /**
     * Copies 48 MiB inside the engine and reads one element back to the host.
     *
     * @param array the array
     * @return the last element of the copy
     */
    @Benchmark
    public float ndarrayDuplicate(EngineArray array) {
        if (array.skipped) {
            return 0f;
        }
        try (NDArray copy = array.source.duplicate()) {
            return copy.getFloat(copy.size() - 1);
        }
    }
}
