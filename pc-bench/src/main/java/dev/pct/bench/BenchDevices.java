package dev.pct.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Device selection for the benchmarks, with the skip rule for GPU cases on a machine without one.
 *
 * <p>JMH has no way to skip a parameter combination from inside a trial, and an exception thrown
 * in {@code @Setup} is reported as a failure. So the rule is: {@code bin/pc-bench} passes {@code
 * -p device=cpu} when {@link Engine#getGpuCount()} is 0, and a state asked for {@code gpu} anyway
 * (JMH run by hand) gets {@code null} from {@link #resolve}, marks itself skipped, prints one line
 * to stderr, and its benchmark method returns at once. The score of a skipped case is therefore
 * the cost of an empty call and means nothing; {@link ResultTable} drops a device's rows when the
 * JSON holds the marker score (below {@link #SKIPPED_SCORE_LIMIT_NS} ns per operation).
 */
public final class BenchDevices {

    /** Scores below this many nanoseconds per operation are empty calls of skipped GPU cases. */
    public static final double SKIPPED_SCORE_LIMIT_NS = 100.0;

    private BenchDevices() {}

    /**
     * Resolves a device parameter value.
     *
     * @param name {@code cpu} or {@code gpu}
     * @return the device, or {@code null} when {@code gpu} is asked for and the engine sees none
     * @throws IllegalArgumentException if the name is neither
     */
    public static Device resolve(String name) {
        switch (name) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (Engine.getInstance().getGpuCount() == 0) {
                    System.err.println(
                            "[pc-bench] device=gpu asked for, but the engine sees no GPU: case"
                                    + " skipped (its score is an empty call)");
                    return null;
                }
                return Device.gpu();
            default:
                throw new IllegalArgumentException(
                        "device: expected cpu or gpu, got '" + name + "'");
        }
    }
}
